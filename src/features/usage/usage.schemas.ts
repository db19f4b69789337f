import { z } from 'zod';
import { OrgIdParam, Timestamp } from '../../http/common-schemas.ts';

const Totals = z.object({
  requests: z.number().int(),
  errors: z.number().int().meta({ description: 'Calls that failed or were cancelled.' }),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

export const UsageSummarySchema = z
  .object({
    from: Timestamp,
    to: Timestamp,
    group_by: z.enum(['day', 'assistant', 'model']),
    totals: Totals,
    groups: z.array(Totals.extend({ key: z.string().meta({ description: 'The day (YYYY-MM-DD, UTC), assistant id or model.' }) })),
    monthly_token_budget: z.number().int().nullable(),
    month_to_date_tokens: z.number().int(),
  })
  .meta({ id: 'UsageSummary' });

export const UsageQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Start (inclusive); default 30 days before `to`.' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'End (exclusive); default now.' }),
  group_by: z.enum(['day', 'assistant', 'model']).default('day'),
});

export const UsageParams = z.object({ org_id: OrgIdParam });
export type UsageSummary = z.infer<typeof UsageSummarySchema>;
