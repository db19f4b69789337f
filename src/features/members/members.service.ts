import type { Db, Tx } from '../../db/client.ts';
import type { Mailer } from '../../infra/mail/mailer.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { Emit, EventLog } from '../../events/event-log.ts';
import type { InviteRow } from '../../db/schema.ts';
import { canGrant, type Permission, type Role } from '../../http/permissions.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import type { InviteInfo } from './auth.schemas.ts';
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
  events: EventLog;
  auth: AuthService;
  inviteTtlMs: number;
  /** Prefixes invite links when set (PARLEY_PUBLIC_URL); otherwise they are relative. */
  publicUrl?: string;
  /** When set, invite links are emailed to the invitee instead of returned to the inviter. */
  mailer?: Mailer;
  /** The org's name, for the invite email. */
  orgName?: (orgId: string) => Promise<string>;
  now?: () => Date;
}

export type MembersService = ReturnType<typeof createMembersService>;

function inviteEmail(invite: InviteRow, url: string, orgName: string) {
  const days = Math.round((invite.expiresAt.getTime() - Date.now()) / 86_400_000);
  return {
    to: invite.email,
    subject: `You are invited to join ${orgName} on Parley`,
    text:
      `You have been invited to join ${orgName} on Parley as ${invite.role}.\n\n` +
      `Accept the invitation (the link works once${days > 0 ? ` and expires in ${days} day${days === 1 ? '' : 's'}` : ''}):\n${url}\n\n` +
      'If you did not expect this invitation, you can ignore this email.\n',
  };
}

export function createMembersService(deps: MembersDeps) {
  const { db, events } = deps;
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

  const inviteGone = () => new AppError('not_found', INVITE_NOT_FOUND);

  /** The invite of a token, unused and unexpired; the same 404 for a wrong, used, revoked or expired one. */
  async function usableInvite(token: string): Promise<InviteRow> {
    if (!looksLikeInviteToken(token)) throw inviteGone();
    const invite = await repo.findInviteByHash(db, hashToken(token));
    if (!invite || invite.acceptedAt || invite.expiresAt <= now()) throw inviteGone();
    return invite;
  }

  /** Removes these invites, when still pending, with their events (a newer invite of the same person replaced them). */
  async function withdraw(tx: Tx, emit: Emit, orgId: string, ids: string[]): Promise<void> {
    for (const old of await repo.deletePendingInvites(tx, orgId, ids)) {
      emit({ type: 'invite.deleted', orgId, subjectId: old.id, data: { invite_id: old.id, email: old.email } });
    }
  }

  async function revokeInvite(orgId: string, inviteId: string, actor: Actor = SYSTEM_ACTOR): Promise<Invite> {
    return events.transaction(actor, async (tx, emit) => {
      const row = await repo.deleteInvite(tx, orgId, inviteId);
      if (!row) throw notFound('Invite');
      emit({ type: 'invite.deleted', orgId, subjectId: row.id, data: { invite_id: row.id, email: row.email } });
      return inviteView(row);
    });
  }

  return {
    async list(orgId: string, q: PageQuery): Promise<Page<Member>> {
      const [rows, count] = await repo.listMembers(db, orgId, q);
      return { items: rows.map(memberView), count, ...q };
    },

    async update(orgId: string, memberId: string, input: UpdateMemberInput, by: Grantor, actor: Actor = SYSTEM_ACTOR): Promise<Member> {
      await events.transaction(actor, async (tx, emit) => {
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
        const changed = Object.keys(input).filter((k) => input[k as keyof UpdateMemberInput] !== undefined);
        emit({ type: 'member.updated', orgId, subjectId: memberId, data: { member_id: memberId, user_id: m.userId, changed } });
      });
      return memberView(await memberOf(orgId, memberId));
    },

    async remove(orgId: string, memberId: string, by: Grantor, actor: Actor = SYSTEM_ACTOR): Promise<Member> {
      return events.transaction(actor, async (tx, emit) => {
        const m = await repo.findMember(tx, orgId, memberId);
        if (!m) throw notFound('Member');
        mayGrant(by, m.role);
        if (m.role === 'ADMIN' && (await repo.lockAdmins(tx, orgId)) <= 1) throw new AppError('conflict', LAST_ADMIN);
        await repo.deleteMember(tx, orgId, memberId);
        emit({ type: 'member.deleted', orgId, subjectId: memberId, data: { member_id: memberId, user_id: m.userId } });
        return memberView(m);
      });
    },

    async createInvite(orgId: string, input: CreateInviteInput, by: Grantor, actor: Actor = SYSTEM_ACTOR): Promise<CreatedInvite> {
      mayGrant(by, input.role);
      const token = newInviteToken();
      const email = input.email.toLowerCase();
      const row = await events.transaction(actor, async (tx, emit) => {
        await repo.lockInvitesOf(tx, orgId, email);
        if (await repo.isMemberByEmail(tx, orgId, email)) throw new AppError('conflict', `${email} is already a member of this organization`);
        // Inviting someone again (a lost link, another role) replaces their pending invites: one link per person.
        const earlier = await repo.pendingInviteIdsOf(tx, orgId, email);
        const row = await repo.insertInvite(tx, orgId, {
          id: newId('invite'),
          email,
          role: input.role,
          tokenHash: hashToken(token),
          expiresAt: new Date(now().getTime() + deps.inviteTtlMs),
          createdBy: by.id,
        });
        emit({ type: 'invite.created', orgId, subjectId: row.id, data: { invite_id: row.id, email: row.email, role: row.role } });
        // The new link is in this answer: the earlier ones go with it. An emailed one replaces them once it is sent.
        if (!deps.mailer) await withdraw(tx, emit, orgId, earlier);
        return { ...row, earlier };
      });
      // The dashboard's invite screen, which accepts with `POST /auth/accept-invite`.
      const path = `/app/invite?token=${token}`;
      const url = deps.publicUrl ? new URL(path, deps.publicUrl).href : path;
      if (!deps.mailer) return { ...inviteView(row), emailed: false, url, token };
      try {
        await deps.mailer.send(inviteEmail(row, url, (await deps.orgName?.(orgId)) ?? 'Parley'));
      } catch (err) {
        // Not sent: the invite would be a link nobody holds. It goes (an earlier one stays), and the inviter learns why.
        await revokeInvite(orgId, row.id, SYSTEM_ACTOR).catch(() => {});
        const reason = err instanceof Error ? err.message : String(err);
        throw new AppError('bad_gateway', `could not send the invite email: ${reason.slice(0, 300)}`);
      }
      await events.transaction(actor, (tx, emit) => withdraw(tx, emit, orgId, row.earlier));
      return { ...inviteView(row), emailed: true, url: null, token: null };
    },

    async listInvites(orgId: string, q: PageQuery): Promise<Page<Invite>> {
      const [rows, count] = await repo.listInvites(db, orgId, q);
      return { items: rows.map(inviteView), count, ...q };
    },

    revokeInvite,

    /**
     * What an invite link is for, before it is used: the org, the role, the email, and whether that email already
     * has an account (then accepting asks for its password, not a new one). The token is the credential: whoever
     * holds the link may read this, as they may accept it.
     */
    async inviteInfo(token: string): Promise<InviteInfo> {
      const invite = await usableInvite(token);
      // The name is a courtesy: the invite works without it.
      const [org, account] = await Promise.all([deps.orgName?.(invite.orgId).catch(() => null), repo.findUserByEmail(db, invite.email)]);
      return {
        email: invite.email,
        role: invite.role,
        org: { id: invite.orgId, name: org ?? null },
        expires_at: invite.expiresAt.toISOString(),
        has_account: account !== undefined,
      };
    },

    /**
     * Uses an invite once: creates the user (or, when the email has an account, checks its password so an
     * invite link alone never signs anyone into an existing account), adds the membership, and signs in.
     */
    async acceptInvite(input: { token: string; name: string; password: string }, meta: ClientMeta): Promise<StartedSession> {
      const invite = await usableInvite(input.token);
      const tokenHash = hashToken(input.token);
      const existing = await repo.findUserByEmail(db, invite.email);
      if (existing && !(await verifyPassword(input.password, existing.passwordHash))) {
        throw new AppError('unauthorized', 'this email already has an account: send its current password to accept the invite');
      }
      const passwordHash = existing ? undefined : await hashPassword(input.password);
      // The one who joins is the actor of their joining.
      const userId = existing?.id ?? newId('user');
      const user = await events.transaction({ type: 'member', id: userId }, async (tx, emit) => {
        // Claimed in the transaction: of two concurrent accepts, one gets the row, the other a 404.
        if (!(await repo.claimInvite(tx, tokenHash, now()))) throw inviteGone();
        const u =
          existing ??
          (await repo.insertUser(tx, { id: userId, email: invite.email, name: input.name, passwordHash: passwordHash!, defaultOrgId: invite.orgId }));
        // Another invite for the same email was accepted at the same moment: this one stays unused.
        if (!u) throw new AppError('conflict', 'an account for this email was just created: accept the invite again with its password');
        // An existing membership keeps its role: an invite never changes someone's role.
        const memberId = newId('member');
        const member = await repo.insertMember(tx, invite.orgId, { id: memberId, userId: u.id, role: invite.role });
        if (member.id === memberId) {
          emit({ type: 'member.created', orgId: invite.orgId, subjectId: member.id, data: { member_id: member.id, user_id: u.id, role: member.role } });
        }
        return u.defaultOrgId ? u : ((await repo.updateUser(tx, u.id, { defaultOrgId: invite.orgId })) ?? u);
      });
      return deps.auth.startSession(user, meta);
    },
  };
}
