import type { Db } from '../../db/client.ts';
import type { InviteRow } from '../../db/schema.ts';
import { canGrant, type Permission, type Role } from '../../http/permissions.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import type { AuthService, ClientMeta, StartedSession } from './auth.service.ts';
import * as repo from './members.repo.ts';
import type { CreatedInvite, CreateInviteInput, Invite, Member, UpdateMemberInput } from './members.schemas.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { hashToken, looksLikeInviteToken, newInviteToken } from './secret-token.ts';

export const INVITE_NOT_FOUND = 'invite not found: the token is wrong, already used, revoked or expired';
const LAST_ADMIN = 'an organization keeps at least one ADMIN: make another member ADMIN first';

/** Who acts, with what they may grant: a member's role permissions, or an API key's scope permissions. */
export interface Grantor {
  id: string;
  permissions: readonly Permission[];
}

export interface MembersDeps {
  db: Db;
  auth: AuthService;
  inviteTtlMs: number;
  /** Prefixes invite links when set (PARLEY_PUBLIC_URL); otherwise they are relative. */
  publicUrl?: string;
  now?: () => Date;
}

export type MembersService = ReturnType<typeof createMembersService>;

export function createMembersService(deps: MembersDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  const memberView = (m: repo.MemberWithUser): Member => ({
    id: m.id,
    org_id: m.orgId,
    user_id: m.userId,
    email: m.email,
    name: m.name,
    role: m.role,
    status: m.status,
    created_at: m.createdAt.toISOString(),
  });

  const inviteView = (i: InviteRow): Invite => ({
    id: i.id,
    org_id: i.orgId,
    email: i.email,
    role: i.role,
    expires_at: i.expiresAt.toISOString(),
    created_at: i.createdAt.toISOString(),
  });

  function mayGrant(by: Grantor, role: Role): void {
    if (!canGrant(by.permissions, role)) {
      throw new AppError('forbidden', `you cannot grant or change the role ${role}: it has permissions you do not have`);
    }
  }

  async function memberOf(orgId: string, memberId: string): Promise<repo.MemberWithUser> {
    const m = await repo.findMember(db, orgId, memberId);
    if (!m) throw notFound('Member');
    return m;
  }

  return {
    async list(orgId: string, q: PageQuery): Promise<Page<Member>> {
      const [rows, count] = await repo.listMembers(db, orgId, q);
      return { items: rows.map(memberView), count, ...q };
    },

    async update(orgId: string, memberId: string, input: UpdateMemberInput, by: Grantor): Promise<Member> {
      await db.transaction(async (tx) => {
        const m = await repo.findMember(tx, orgId, memberId);
        if (!m) throw notFound('Member');
        if (input.role !== undefined && input.role !== m.role) {
          mayGrant(by, m.role);
          mayGrant(by, input.role);
          if (m.role === 'ADMIN' && (await repo.lockAdmins(tx, orgId)) <= 1) throw new AppError('conflict', LAST_ADMIN);
        }
        await repo.updateMember(tx, orgId, memberId, {
          ...(input.role !== undefined && { role: input.role }),
          ...(input.status !== undefined && { status: input.status }),
        });
      });
      return memberView(await memberOf(orgId, memberId));
    },

    async remove(orgId: string, memberId: string, by: Grantor): Promise<Member> {
      return db.transaction(async (tx) => {
        const m = await repo.findMember(tx, orgId, memberId);
        if (!m) throw notFound('Member');
        mayGrant(by, m.role);
        if (m.role === 'ADMIN' && (await repo.lockAdmins(tx, orgId)) <= 1) throw new AppError('conflict', LAST_ADMIN);
        await repo.deleteMember(tx, orgId, memberId);
        return memberView(m);
      });
    },

    async createInvite(orgId: string, input: CreateInviteInput, by: Grantor): Promise<CreatedInvite> {
      mayGrant(by, input.role);
      const token = newInviteToken();
      const row = await repo.insertInvite(db, orgId, {
        id: newId('invite'),
        email: input.email.toLowerCase(),
        role: input.role,
        tokenHash: hashToken(token),
        expiresAt: new Date(now().getTime() + deps.inviteTtlMs),
        createdBy: by.id,
      });
      const path = `/auth/accept-invite?token=${token}`;
      return { ...inviteView(row), url: deps.publicUrl ? new URL(path, deps.publicUrl).href : path, token };
    },

    async listInvites(orgId: string, q: PageQuery): Promise<Page<Invite>> {
      const [rows, count] = await repo.listInvites(db, orgId, q);
      return { items: rows.map(inviteView), count, ...q };
    },

    async revokeInvite(orgId: string, inviteId: string): Promise<Invite> {
      const row = await repo.deleteInvite(db, orgId, inviteId);
      if (!row) throw notFound('Invite');
      return inviteView(row);
    },

    /**
     * Uses an invite once: creates the user (or, when the email has an account, checks its password so an
     * invite link alone never signs anyone into an existing account), adds the membership, and signs in.
     */
    async acceptInvite(input: { token: string; name: string; password: string }, meta: ClientMeta): Promise<StartedSession> {
      const gone = () => new AppError('not_found', INVITE_NOT_FOUND);
      if (!looksLikeInviteToken(input.token)) throw gone();
      const tokenHash = hashToken(input.token);
      const invite = await repo.findInviteByHash(db, tokenHash);
      if (!invite || invite.acceptedAt || invite.expiresAt <= now()) throw gone();
      const existing = await repo.findUserByEmail(db, invite.email);
      if (existing && !(await verifyPassword(input.password, existing.passwordHash))) {
        throw new AppError('unauthorized', 'this email already has an account: send its current password to accept the invite');
      }
      const passwordHash = existing ? undefined : await hashPassword(input.password);
      const user = await db.transaction(async (tx) => {
        // Claimed in the transaction: of two concurrent accepts, one gets the row, the other a 404.
        if (!(await repo.claimInvite(tx, tokenHash, now()))) throw gone();
        const u =
          existing ??
          (await repo.insertUser(tx, { id: newId('user'), email: invite.email, name: input.name, passwordHash: passwordHash!, defaultOrgId: invite.orgId }));
        // Another invite for the same email was accepted at the same moment: this one stays unused.
        if (!u) throw new AppError('conflict', 'an account for this email was just created: accept the invite again with its password');
        // An existing membership keeps its role: an invite never changes someone's role.
        await repo.insertMember(tx, invite.orgId, { id: newId('member'), userId: u.id, role: invite.role });
        return u.defaultOrgId ? u : ((await repo.updateUser(tx, u.id, { defaultOrgId: invite.orgId })) ?? u);
      });
      return deps.auth.startSession(user, meta);
    },
  };
}
