import type { Logger } from 'pino';
import { z } from 'zod';
import type { Actor } from '../../events/actor.ts';
import type { ModelTool } from '../../llm/run-model.ts';
import type { AssistantConfig } from '../assistants/index.ts';
import type { ChatStateService, Handover } from '../chats/index.ts';
import type { ContactsService } from '../contacts/index.ts';

/**
 * Parley's built-in conversation tools, offered to models with tool calling when the assistant's
 * `conversation.enable_*_tool` flag is on. They run inside the model call, when the chat may not exist yet
 * (the run recorder writes it after the reply), so a tool only records an intent and tells the model it is
 * done; the runtime applies the intents once the run is stored (`applyIntents`), through the chats and
 * contacts services. Nothing the model sends names a chat or a contact: a tool acts on this run's chat and
 * its contact only, and every input is validated (the model's input is as hostile as the customer's words).
 */

export interface ToolIntents {
  transfer?: { reason?: string };
  resolve?: boolean;
  block?: { reason?: string };
  contact?: { name?: string; email?: string; phone?: string };
}

type Conversation = AssistantConfig['conversation'];

const Reason = z.string().trim().max(500).optional().meta({ description: 'A short reason, for the team (the customer does not see it).' });

const TransferInput = z.object({ reason: Reason });
const EndInput = z.object({});
const BlockInput = z.object({ reason: Reason });
const ContactInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional().meta({ description: 'The name the customer gave.' }),
    email: z.email().max(256).optional().meta({ description: 'The email address the customer gave.' }),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9 ().-]{4,30}$/, 'must be a phone number: digits, spaces, ( ) . - and an optional leading +')
      .optional()
      .meta({ description: 'The phone number the customer gave, with its country code when known.' }),
  })
  .refine((c) => c.name !== undefined || c.email !== undefined || c.phone !== undefined, { message: 'give at least one of name, email, phone' });

/**
 * The tools this run offers, or undefined (the common case: no flag on, or no tool calling) so the model call
 * stays the plain one. `hasContact`: block_contact and update_contact only make sense for a known person.
 */
export function conversationTools(conversation: Conversation, hasContact: boolean): { tools: ModelTool[]; intents: ToolIntents } | undefined {
  const on = {
    // Also how a model says it has no answer, when the assistant hands such chats to a person.
    transfer: conversation.enable_transfer_to_human_tool === true || conversation.handover_when_unanswered === true,
    end: conversation.enable_end_conversation_tool === true,
    block: hasContact && conversation.enable_block_contact_tool === true,
    contact: hasContact && conversation.enable_update_contact_tool === true,
  };
  if (!on.transfer && !on.end && !on.block && !on.contact) return undefined;
  const intents: ToolIntents = {};
  const tools: ModelTool[] = [];
  if (on.transfer) {
    tools.push({
      name: 'transfer_to_human',
      description:
        conversation.handover_when_unanswered === true
          ? 'Hand the conversation to a person of the support team. Use it whenever the knowledge and instructions do not answer the question, and when the customer asks for a human or is upset or stuck. After calling it, tell the customer in one short sentence that you do not have the answer and a member of the team will reply here.'
          : 'Hand the conversation to a person of the support team. Use it when the customer asks for a human, when they are upset or stuck, or when you cannot help. After calling it, tell the customer in one short sentence that a member of the team will reply here.',
      inputSchema: TransferInput,
      execute: async (input: z.infer<typeof TransferInput>) => {
        intents.transfer = { reason: input.reason };
        return 'Done: the conversation goes to a person of the team after your reply. Tell the customer someone will answer here; do not promise a time.';
      },
    });
  }
  if (on.end) {
    tools.push({
      name: 'end_conversation',
      description:
        'End the conversation when the customer has nothing more to ask (their request is handled, or they said goodbye). The conversation is marked resolved; it reopens if they write again. Say goodbye in your reply.',
      inputSchema: EndInput,
      execute: async () => {
        intents.resolve = true;
        return 'Done: the conversation is marked resolved after your reply.';
      },
    });
  }
  if (on.block) {
    tools.push({
      name: 'block_contact',
      description:
        'Block this customer: they get no more replies. Only for abuse, threats, harassment or spam; never for a customer who is merely unhappy or rude once.',
      inputSchema: BlockInput,
      execute: async (input: z.infer<typeof BlockInput>) => {
        intents.block = { reason: input.reason };
        return 'Done: the customer is blocked after your reply.';
      },
    });
  }
  if (on.contact) {
    tools.push({
      name: 'update_contact',
      description: "Save the customer's name, email address or phone number when they tell you them in this conversation. Only what they said themselves.",
      inputSchema: ContactInput,
      execute: async (input: z.infer<typeof ContactInput>) => {
        intents.contact = { ...intents.contact, ...input };
        return `Saved: ${Object.keys(input).join(', ')}.`;
      },
    });
  }
  return { tools, intents };
}

export const hasIntents = (i: ToolIntents): boolean => Boolean(i.transfer || i.resolve || i.block || i.contact);

/**
 * Applies a completed run's intents once its chat and messages are stored: contact changes first, then the
 * chat's. A transfer wins over a resolve (a person should see the chat). A failure is logged and does not fail
 * the reply the customer already has.
 */
export async function applyIntents(
  deps: { settle: () => Promise<void>; chatState: ChatStateService; contacts: ContactsService; logger: Logger },
  run: { orgId: string; chatId: string; contactId: string | undefined; actor: Actor },
  intents: ToolIntents,
): Promise<Handover | undefined> {
  await deps.settle();
  try {
    if (run.contactId && intents.contact) await deps.contacts.saveDetails(run.orgId, run.contactId, intents.contact, run.actor);
    if (run.contactId && intents.block) await deps.contacts.update(run.orgId, run.contactId, { blocked: true }, run.actor);
    if (intents.transfer || intents.resolve) {
      return await deps.chatState.assistantActed(run.orgId, run.chatId, { transfer: Boolean(intents.transfer), resolve: !intents.transfer && intents.resolve }, run.actor);
    }
  } catch (err) {
    deps.logger.error({ err, chat_id: run.chatId }, "could not apply the assistant's tool calls");
  }
  return undefined;
}
