import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { UsageParams, UsageQuerySchema, UsageSummarySchema } from './usage.schemas.ts';
import type { UsageService } from './usage.service.ts';

export function usageRoutes(usage: UsageService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/usage',
      operationId: 'getUsage',
      summary: 'Token usage',
      description: 'Runtime calls and tokens over a time range, grouped by day, assistant or model, with the monthly budget state.',
      tags: ['Usage'],
      auth: { permission: 'usage:read' },
      params: UsageParams,
      query: UsageQuerySchema,
      responses: { 200: UsageSummarySchema },
      handler: async ({ orgId, query }) => usage.summary(orgId, query),
    }),
  ];
}
