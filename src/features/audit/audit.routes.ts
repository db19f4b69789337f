import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { AuditEntrySchema, AuditParams, AuditQuerySchema } from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';

export function auditRoutes(audit: AuditService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/audit-log',
      operationId: 'listAuditLog',
      summary: 'List audit log entries',
      description:
        'Who changed what, newest first: every change recorded in the event log of the organization, with the API key or member that made it. ' +
        'Filter by actor, event type or family, and time range.',
      tags: ['Audit log'],
      auth: { permission: 'audit:read' },
      params: AuditParams,
      query: AuditQuerySchema,
      responses: { 200: z.array(AuditEntrySchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await audit.list(orgId, query)),
    }),
  ];
}
