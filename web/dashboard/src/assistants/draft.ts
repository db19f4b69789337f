import type { Schemas } from '../api/client';

type Assistant = Schemas['Assistant'];

/** What the edit form changes: the assistant's own fields and the parts of its config shown on the page. */
export interface Draft {
  name: string;
  enabled: boolean;
  config: Pick<Assistant['config'], 'instructions' | 'language' | 'model' | 'timezone' | 'knowledge_scope' | 'conversation' | 'widget'>;
}

export const draftOf = (a: Assistant): Draft => ({
  name: a.name,
  enabled: a.enabled,
  config: {
    instructions: a.config.instructions,
    language: a.config.language,
    model: a.config.model,
    timezone: a.config.timezone,
    knowledge_scope: a.config.knowledge_scope,
    conversation: a.config.conversation,
    widget: a.config.widget,
  },
});

export type Conversation = Draft['config']['conversation'];
type Toggle = { [K in keyof Conversation]: Conversation[K] extends boolean ? K : never }[keyof Conversation];

/** The conversation switches, with the words a support lead uses for them. */
export const TOGGLES: Array<{ key: Toggle; label: string; description: string }> = [
  { key: 'enable_ai_replies', label: 'AI replies', description: 'The assistant answers customers by itself.' },
  { key: 'enable_transfer_to_human_tool', label: 'Hand over on request', description: 'A person takes the chat when the customer asks for one. With a model that calls tools, also when the model judges they need one. The built-in model always hands over when asked.' },
  { key: 'handover_when_unanswered', label: 'Hand over when it has no answer', description: 'A person takes the chat at once when the assistant does not know.' },
  { key: 'enable_memories', label: 'Memories', description: 'Summarise long chats so the assistant keeps their context.' },
  { key: 'enable_auto_resolve', label: 'Auto-resolve', description: 'Resolve chats nobody has touched for a while.' },
  { key: 'enable_auto_csat', label: 'Ask for a rating', description: 'Ask the customer to rate the chat (1 to 5) when it is resolved.' },
  { key: 'enable_auto_follow_ups', label: 'Follow-ups', description: 'Not in use yet: saved for a coming feature (a follow-up when a customer goes quiet).' },
  { key: 'enable_end_conversation_tool', label: 'May end the conversation', description: 'The assistant may close a chat that is done.' },
  { key: 'enable_block_contact_tool', label: 'May block abusive contacts', description: 'The assistant may block a contact who abuses it.' },
  { key: 'enable_update_contact_tool', label: 'May update contacts', description: 'The assistant may save details the customer gives (name, email).' },
  { key: 'enable_private_chats', label: 'Private chats', description: 'Not in use yet: saved for a coming feature (chats kept out of the team inbox).' },
];

export type Widget = Draft['config']['widget'];
