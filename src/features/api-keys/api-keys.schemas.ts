import { z } from 'zod';
import { EXAMPLE_IDS, idParam, NullableTimestamp, OrgIdParam, Timestamp } from '../../http/common-schemas.ts';

export const ScopeSchema = z.enum(['admin', 'runtime']).meta({
  description: '`admin`: the whole management and runtime API of the org and its sub-orgs. `runtime`: only the runtime API.',
});

export const ApiKeySchema = z
  .object({
    id: z.string().meta({ examples: ['key_1bQz8Hn4fK2LmX7cV9tR0s'] }),
    org_id: z.string(),
    name: z.string(),
    scope: ScopeSchema,
    assistant_id: z.string().nullable().meta({ description: 'When set, the key may invoke only this assistant.' }),
    prefix: z.string().meta({ description: 'The first characters of the secret, to recognise it.', examples: ['apk_7Tq2Wm9x'] }),
    created_at: Timestamp,
    last_used_at: NullableTimestamp,
    expires_at: NullableTimestamp,
    revoked_at: NullableTimestamp,
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().meta({
    description: 'The secret. It is shown only in this response; store it now.',
    examples: ['apk_7Tq2Wm9xYvB3nC8kL1pZ5sD0fG6hJ4rE2tU9wQ1aMbX'],
  }),
}).meta({ id: 'CreatedApiKey' });

export const CreateApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(128).default('API key').meta({ examples: ['Website widget'] }),
    scope: ScopeSchema.default('admin'),
    assistant_id: z.string().min(1).max(64).nullable().optional().meta({
      description: 'Restrict a `runtime` key to one assistant of the org.',
    }),
    expires_at: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .meta({ description: 'When the key stops working; never when absent.', examples: ['2027-01-01T00:00:00Z'] }),
  })
  .meta({
    id: 'CreateApiKey',
    examples: [{ name: 'Website widget', scope: 'runtime', assistant_id: EXAMPLE_IDS.assistant, expires_at: '2027-01-01T00:00:00Z' }],
  });

export type ApiKey = z.infer<typeof ApiKeySchema>;
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;
export type CreateApiKeyInput = z.input<typeof CreateApiKeyBodySchema>;

export const ApiKeyParams = z.object({ org_id: OrgIdParam, key_id: idParam('The API key id (not the secret).', EXAMPLE_IDS.apiKey) });
