import { z } from 'zod';
import { OrgIdParam, Timestamp, WebUrl } from '../../http/common-schemas.ts';

export const CredentialProviderSchema = z.enum(['openai', 'anthropic', 'openai-compatible']);

export const ProviderCredentialSchema = z
  .object({
    provider: CredentialProviderSchema,
    base_url: z.string().nullable(),
    has_api_key: z.boolean(),
    api_key_hint: z.string().nullable().meta({ description: '`...` and the last 4 characters of the stored key, to recognise it; the key itself is never returned.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'ProviderCredential' });

export const PutProviderBodySchema = z
  .object({
    api_key: z.string().trim().min(1).max(4096).nullable().optional().meta({ description: 'null removes the stored key.' }),
    base_url: WebUrl.nullable().optional().meta({
      description: 'For openai-compatible servers (required there) or a proxy. Private addresses are refused unless allowed by PARLEY_EGRESS_ALLOW.',
      examples: ['https://llm.example.com/v1'],
    }),
  })
  .meta({ id: 'PutProviderCredential', examples: [{ api_key: 'sk-proj-3f9Xq7Lm2Tn8Vb4K', base_url: 'https://llm.example.com/v1' }] });

export type ProviderCredential = z.infer<typeof ProviderCredentialSchema>;
export type PutProviderInput = z.infer<typeof PutProviderBodySchema>;

export const ProviderParams = z.object({
  org_id: OrgIdParam,
  provider: CredentialProviderSchema.meta({ description: 'The model provider.', examples: ['openai-compatible'] }),
});
export const ProvidersListParams = z.object({ org_id: OrgIdParam });

export const ModelProviderSchema = z
  .object({
    provider: z.enum(['builtin', 'openai', 'anthropic', 'openai-compatible']),
    configured_by: z.enum(['builtin', 'instance', 'org', 'parent_org']).meta({
      description:
        "Where its credentials come from: the built-in offline model needs none; `instance` is the server's own settings (OPENAI_API_KEY...); `org` this org's stored credentials; `parent_org` a parent org's.",
    }),
    suggested_models: z.array(z.string()).meta({
      description: 'Well-known model names for it; any other name the provider serves works too (an openai-compatible server lists none here).',
    }),
  })
  .meta({ id: 'ModelProvider' });

export type ModelProvider = z.infer<typeof ModelProviderSchema>;
