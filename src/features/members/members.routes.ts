import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OrgParams, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { ROLE_PERMISSIONS, SCOPE_PERMISSIONS } from '../../http/permissions.ts';
import type { Principal } from '../../http/principal.ts';
import {
  CreatedInviteSchema,
  CreateInviteBodySchema,
  InviteParams,
  InviteSchema,
  MemberParams,
  MemberSchema,
  UpdateMemberBodySchema,
} from './members.schemas.ts';
import type { Grantor, MembersService } from './members.service.ts';

const tags = ['Members'];

/** What the caller may grant in the route's org: its role's permissions there, or its key's scope's. */
const grantor = (principal: Principal, request: FastifyRequest): Grantor =>
  principal.kind === 'api_key'
    ? { id: principal.keyId, permissions: SCOPE_PERMISSIONS[principal.scope] }
    : { id: principal.userId, permissions: request.memberRole ? ROLE_PERMISSIONS[request.memberRole] : [] };

export function membersRoutes(members: MembersService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/members',
      operationId: 'listMembers',
      summary: 'List members',
      description: 'The people of the organization with their roles, oldest first. People join by invite (`POST /orgs/{org_id}/invites`).',
      tags,
      auth: { permission: 'org:read' },
      params: OrgParams,
      query: PageQuerySchema,
      responses: { 200: z.array(MemberSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await members.list(orgId, query)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/members/:member_id',
      operationId: 'updateMember',
      summary: 'Change a member\'s role or status',
      description: 'You can set only roles whose permissions you have. The last ADMIN cannot be demoted (409).',
      tags,
      auth: { permission: 'members:manage' },
      params: MemberParams,
      body: UpdateMemberBodySchema,
      responses: { 200: MemberSchema },
      errors: [409],
      handler: async ({ orgId, params, body, principal, request, actor }) =>
        members.update(orgId, params.member_id, body, grantor(principal, request), actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/members/:member_id',
      operationId: 'removeMember',
      summary: 'Remove a member',
      description: 'The user keeps their account and other memberships. The last ADMIN cannot be removed (409).',
      tags,
      auth: { permission: 'members:manage' },
      params: MemberParams,
      responses: { 200: MemberSchema },
      errors: [409],
      handler: async ({ orgId, params, principal, request, actor }) => members.remove(orgId, params.member_id, grantor(principal, request), actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/invites',
      operationId: 'createInvite',
      summary: 'Invite someone',
      description:
        'Emails a single-use, expiring link to the invitee when SMTP is configured; otherwise returns it (`url`) for ' +
        'you to hand over. Inviting an email again replaces its pending invite (the earlier link stops working); an ' +
        'email that is already a member answers 409. You can invite only to roles whose permissions you have.',
      tags,
      auth: { permission: 'members:manage' },
      params: OrgParams,
      body: CreateInviteBodySchema,
      responses: { 200: CreatedInviteSchema },
      errors: [409],
      handler: async ({ orgId, body, principal, request, actor }) => members.createInvite(orgId, body, grantor(principal, request), actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/invites',
      operationId: 'listInvites',
      summary: 'List pending invites',
      description: 'Invites not yet accepted (expired ones included until revoked), newest first. Tokens are never shown again.',
      tags,
      auth: { permission: 'members:manage' },
      params: OrgParams,
      query: PageQuerySchema,
      responses: { 200: z.array(InviteSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await members.listInvites(orgId, query)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/invites/:invite_id',
      operationId: 'revokeInvite',
      summary: 'Revoke an invite',
      description: 'Its link stops working at once.',
      tags,
      auth: { permission: 'members:manage' },
      params: InviteParams,
      responses: { 200: InviteSchema },
      handler: async ({ orgId, params, actor }) => members.revokeInvite(orgId, params.invite_id, actor),
    }),
  ];
}
