import { z } from 'zod';
import { OrgIdParam, PageQuerySchema, Timestamp } from '../../http/common-schemas.ts';
import { EVENT_TYPES } from '../../events/catalog.ts';

export const AuditEntrySchema = z
  .object({
    id: z.string().meta({ examples: ['evt_0VcyKmxi0000WwJFo3hKjyE'] }),
    type: z.enum(EVENT_TYPES as [string, ...string[]]).meta({ description: 'The event type (see the events guide for the catalog).' }),
    actor: z
      .object({
        type: z.enum(['api_key', 'member', 'visitor', 'system']),
        id: z.string().nullable(),
        name: z.string().nullable().meta({ description: "The key's or member's name as it is now; null for `system` or when it was deleted." }),
      })
      .meta({ id: 'AuditActor' }),
    subject: z
      .object({
        type: z.string().meta({ examples: ['assistant'] }),
        id: z.string(),
      })
      .meta({ id: 'AuditSubject', description: 'The record the change was made to.' }),
    data: z.record(z.string(), z.unknown()).meta({ description: "The event's data: which fields changed, a status, names." }),
    created_at: Timestamp,
  })
  .meta({ id: 'AuditEntry' });

export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = PageQuerySchema.extend({
  actor_id: z.string().min(1).max(64).optional().meta({ description: 'Only changes made by this API key or member.', examples: ['key_1bQz8Hn4fK2LmX7cV9tR0s'] }),
  type: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'must be an event type, or a prefix ending in ".*"')
    .max(64)
    .optional()
    .meta({
      description:
        'Only this event type (`assistant.updated`) or family (`assistant.*`). Without it, every type except `message.*` (messages are read in their chat).',
      examples: ['assistant.*'],
    }),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Start (inclusive).' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'End (exclusive).' }),
});

export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditParams = z.object({ org_id: OrgIdParam });
