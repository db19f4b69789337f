import { z } from 'zod';
import { EXAMPLE_IDS, idParam, OrgIdParam, Timestamp } from '../../http/common-schemas.ts';

export const ChatMemorySchema = z
  .object({
    id: z.string().meta({ examples: ['chm_7Pq3Lm9Nx2Tc5Vb1Kp8Rw4'] }),
    chat_id: z.string(),
    summary: z.string().meta({ description: 'The conversation up to `message_count`: the earlier summary rolled forward with the new messages.' }),
    key_points: z.array(z.string()).meta({ description: 'Facts from the messages this memory adds (the ten or more since the previous one).' }),
    message_count: z.number().int().meta({
      description: 'How many conversational messages (customer, assistant and team replies; not events or notes) it covers, from the first: 10, 20, 30...',
    }),
    model: z.string().meta({ description: 'The `provider/model` that wrote it (the assistant\'s).' }),
    summarized_at: Timestamp.meta({ description: 'When the last message it covers was written.' }),
    created_at: Timestamp,
  })
  .meta({ id: 'ChatMemory' });

export type ChatMemory = z.infer<typeof ChatMemorySchema>;

export const MemoriesParams = z.object({ org_id: OrgIdParam, chat_id: idParam('The chat id.', EXAMPLE_IDS.chat) });
export const MemoryParams = MemoriesParams.extend({ memory_id: idParam('The memory id.', 'chm_7Pq3Lm9Nx2Tc5Vb1Kp8Rw4') });

export const MemoriesDeletedSchema = z
  .object({ chat_id: z.string(), deleted: z.number().int().meta({ description: 'How many memories were deleted.' }) })
  .meta({ id: 'ChatMemoriesDeleted', examples: [{ chat_id: EXAMPLE_IDS.chat, deleted: 3 }] });
