import { z } from 'zod';
import { DeletedSchema, OrgParams, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import {
  CreateSubOrgBodySchema,
  OrgSchema,
  SubOrgParams,
  UpdateSubOrgBodySchema,
} from './orgs.schemas.ts';
import type { OrgsService } from './orgs.service.ts';

const tags = ['Organizations'];

export function orgsRoutes(orgs: OrgsService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id',
      operationId: 'getOrganization',
      summary: 'Get an organization',
      description: 'Returns the organization; `GET /orgs/c` tells which org a key belongs to.',
      tags,
      auth: { permission: 'org:read' },
      params: OrgParams,
      responses: { 200: OrgSchema },
      handler: async ({ orgId }) => orgs.get(orgId),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id',
      operationId: 'updateOrganization',
      summary: 'Update an organization',
      description:
        "Name, logo, settings (deep-merged) and the monthly token budget of the org. A sub-organization's budget can only be changed with its parent's keys.",
      tags,
      auth: { permission: 'org:manage' },
      params: OrgParams,
      body: UpdateSubOrgBodySchema,
      responses: { 200: OrgSchema },
      handler: async ({ orgId, body, principal, actor }) => orgs.update(orgId, body, principal.orgId, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/orgs',
      operationId: 'listSubOrganizations',
      summary: 'List sub-organizations',
      description: 'Direct children of the organization, newest first.',
      tags,
      auth: { permission: 'org:read' },
      params: OrgParams,
      query: PageQuerySchema,
      responses: { 200: z.array(OrgSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await orgs.listChildren(orgId, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/orgs',
      operationId: 'createSubOrganization',
      summary: 'Create a sub-organization',
      description: "The new org is reachable by the parent's keys through its id.",
      tags,
      auth: { permission: 'org:manage' },
      params: OrgParams,
      body: CreateSubOrgBodySchema,
      responses: { 200: OrgSchema },
      handler: async ({ orgId, body, actor }) => orgs.create(orgId, body, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/orgs/:sub_org_id',
      operationId: 'getSubOrganization',
      summary: 'Get a sub-organization',
      description: 'A direct sub-organization of `{org_id}`; any other id answers 404.',
      tags,
      auth: { permission: 'org:read' },
      params: SubOrgParams,
      responses: { 200: OrgSchema },
      handler: async ({ orgId, params }) => orgs.getChild(orgId, params.sub_org_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/orgs/:sub_org_id',
      operationId: 'updateSubOrganization',
      summary: 'Update a sub-organization',
      description: '`config` is deep-merged into the stored settings; `logo_url: null` clears the logo.',
      tags,
      auth: { permission: 'org:manage' },
      params: SubOrgParams,
      body: UpdateSubOrgBodySchema,
      responses: { 200: OrgSchema },
      handler: async ({ orgId, params, body, actor }) => orgs.updateChild(orgId, params.sub_org_id, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/orgs/:sub_org_id',
      operationId: 'deleteSubOrganization',
      summary: 'Delete a sub-organization',
      description:
        'Deletes the sub-organization and everything it holds (its own sub-organizations, API keys, assistants) in one transaction. This cannot be undone.',
      tags,
      auth: { permission: 'org:manage' },
      params: SubOrgParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await orgs.deleteChild(orgId, params.sub_org_id, actor);
        return { id: params.sub_org_id, deleted: true as const };
      },
    }),
  ];
}
