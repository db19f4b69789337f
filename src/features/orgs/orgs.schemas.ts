import { z } from 'zod';
import { EXAMPLE_IDS, idParam, OrgIdParam, Timestamp, WebUrl } from '../../http/common-schemas.ts';

const ModulesSchema = z.object({
  enable_inbox: z.boolean().optional(),
  enable_analytics: z.boolean().optional(),
  enable_boards: z.boolean().optional(),
  enable_assistants: z.boolean().optional(),
  enable_knowledge_base: z.boolean().optional(),
  enable_broadcasts: z.boolean().optional(),
  enable_workflows: z.boolean().optional(),
});

export const OrgConfigSchema = z
  .object({
    email: z.email().max(320).nullable().optional(),
    address: z.string().max(1024).nullable().optional(),
    terms_url: WebUrl.nullable().optional(),
    privacy_url: WebUrl.nullable().optional(),
    modules: ModulesSchema.optional(),
  })
  .meta({ id: 'OrgConfig', description: 'Workspace settings; PATCH deep-merges what it is given.' });

export type OrgConfig = z.infer<typeof OrgConfigSchema>;

export const OrgSchema = z
  .object({
    id: z.string().meta({ examples: ['org_4xVb2mQ9cT1kLzR8pWn3Ya'] }),
    name: z.string(),
    parent_id: z.string().nullable().meta({ description: 'The parent organization, or null for a top-level org.' }),
    logo_url: z.string().nullable(),
    config: OrgConfigSchema,
    monthly_token_budget: z.number().int().nullable().meta({ description: 'Runtime tokens allowed per calendar month (UTC); null = unlimited.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Organization' });

export type Org = z.infer<typeof OrgSchema>;

const Name = z.string().trim().min(2).max(64).meta({ examples: ['Acme Dental'] });

export const CreateSubOrgBodySchema = z
  .object({
    name: Name,
    logo_url: WebUrl.nullable().optional(),
    config: OrgConfigSchema.optional(),
  })
  .meta({ id: 'CreateSubOrganization', examples: [{ name: 'Acme Dental', config: { email: 'support@acme.example' } }] });

export const UpdateSubOrgBodySchema = z
  .object({
    name: Name.optional(),
    logo_url: WebUrl.nullable().optional().meta({ description: 'null clears the logo.' }),
    config: OrgConfigSchema.optional(),
    monthly_token_budget: z.number().int().min(0).nullable().optional(),
  })
  .meta({ id: 'UpdateOrganization', examples: [{ name: 'Acme Dental Group', monthly_token_budget: 1_000_000 }] });

export type CreateSubOrgInput = z.infer<typeof CreateSubOrgBodySchema>;
export type UpdateSubOrgInput = z.infer<typeof UpdateSubOrgBodySchema>;

export const SubOrgParams = z.object({
  org_id: OrgIdParam,
  sub_org_id: idParam('The sub-organization id.', EXAMPLE_IDS.subOrg),
});
