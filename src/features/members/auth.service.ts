import type { Db } from '../../db/client.ts';
import { SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { SessionRow, UserRow } from '../../db/schema.ts';
import type { Role } from '../../http/permissions.ts';
import type { MemberPrincipal } from '../../http/principal.ts';
import type { RateLimiter } from '../../infra/rate-limit/rate-limiter.ts';
import { AppError, badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Session, UpdateUserInput, User } from './auth.schemas.ts';
import * as repo from './members.repo.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.ts';
import { csrfTokenOf, hashToken, looksLikeSessionToken, newSessionToken } from './secret-token.ts';

export const BAD_CREDENTIALS = 'wrong email or password';
/** last_seen_at (and the sliding expiry) is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

export interface AuthDeps {
  db: Db;
  events: EventLog;
  limiter: RateLimiter;
  /** A session lives this long after its last use (sliding). */
  sessionTtlMs: number;
  /** Sign-in attempts allowed per window, per email and per client IP. */
  signInLimits: { perEmail: number; perIp: number; windowMs: number };
  /** True when `orgId` is `ancestorId` or below it. */
  isWithin: (ancestorId: string, orgId: string) => Promise<boolean>;
  now?: () => Date;
}

export interface ClientMeta {
  ip: string;
  userAgent: string | undefined;
}

export interface StartedSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: User;
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: AuthDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  async function userView(row: UserRow): Promise<User> {
    const memberships = await repo.membershipsOf(db, row.id);
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      default_org_id: row.defaultOrgId,
      created_at: row.createdAt.toISOString(),
      memberships: memberships.map((m) => ({ member_id: m.memberId, org_id: m.orgId, org_name: m.orgName, role: m.role, status: m.status })),
    };
  }

  const sessionView = (row: SessionRow, currentId: string): Session => ({
    id: row.id,
    created_at: row.createdAt.toISOString(),
    last_seen_at: row.lastSeenAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    user_agent: row.userAgent,
    ip: row.ip,
    current: row.id === currentId,
  });

  async function throttle(key: string, limit: number): Promise<void> {
    const r = await deps.limiter.consume(key, limit, deps.signInLimits.windowMs);
    if (!r.allowed) {
      throw new AppError('rate_limited', 'too many sign-in attempts: wait before trying again', {
        'Retry-After': String(Math.max(1, Math.ceil(r.resetMs / 1000))),
      });
    }
  }

  async function userOf(userId: string): Promise<UserRow> {
    const row = await repo.findUser(db, userId);
    if (!row) throw notFound('User');
    return row;
  }

    /** Opens a session for a user whose credentials (or invite) were checked. */
  async function startSession(user: UserRow, meta: ClientMeta): Promise<StartedSession> {
    const token = newSessionToken();
    const t = now();
    const expiresAt = new Date(t.getTime() + deps.sessionTtlMs);
    await repo.deleteExpiredSessions(db, user.id, t);
    await repo.insertSession(db, {
      id: newId('session'),
      userId: user.id,
      tokenHash: hashToken(token),
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      ip: meta.ip,
      createdAt: t,
      lastSeenAt: t,
      expiresAt,
    });
    return { token, csrfToken: csrfTokenOf(token), expiresAt, user: await userView(user) };
  }

  return {
    userView,

    startSession,

    /** Signs in a user just created by the operator's first-run setup (`POST /setup`), whose password was just set. */
    async startSessionFor(userId: string, meta: ClientMeta): Promise<StartedSession> {
      return startSession(await userOf(userId), meta);
    },

    /** Checks a password; throttled per email and per IP; an unknown email and a wrong password fail alike. */
    async signIn(input: { email: string; password: string }, meta: ClientMeta): Promise<StartedSession> {
      await throttle(`sign-in:ip:${meta.ip}`, deps.signInLimits.perIp);
      await throttle(`sign-in:email:${input.email.toLowerCase()}`, deps.signInLimits.perEmail);
      const user = await repo.findUserByEmail(db, input.email);
      const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) throw new AppError('unauthorized', BAD_CREDENTIALS);
      return startSession(user, meta);
    },

    async authenticateSession(token: string): Promise<MemberPrincipal | null> {
      if (!looksLikeSessionToken(token)) return null;
      const session = await repo.findSessionByHash(db, hashToken(token));
      const t = now();
      if (!session || session.expiresAt <= t) return null;
      if (t.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
        await repo.touchSession(db, session.id, t, new Date(t.getTime() + deps.sessionTtlMs));
      }
      const user = await repo.findUser(db, session.userId);
      if (!user) return null;
      const memberships = await repo.membershipsOf(db, user.id);
      // The default org, or (when removed from it) the oldest membership.
      const home = memberships.find((m) => m.orgId === user.defaultOrgId) ?? memberships[0];
      return { kind: 'member', userId: user.id, sessionId: session.id, orgId: home?.orgId ?? '', role: home?.role ?? null, csrfToken: csrfTokenOf(token) };
    },

    /** The member's role in the org `{org_id}` names: direct, or ADMIN through an ancestor org's ADMIN membership. */
    async memberAccess(principal: MemberPrincipal, orgParam: string): Promise<{ orgId: string; role: Role }> {
      const orgId = orgParam === 'c' ? principal.orgId : orgParam;
      const memberships = await repo.membershipsOf(db, principal.userId);
      const direct = memberships.find((m) => m.orgId === orgId);
      if (direct) return { orgId, role: direct.role };
      for (const m of memberships.filter((x) => x.role === 'ADMIN')) {
        if (await deps.isWithin(m.orgId, orgId)) return { orgId, role: 'ADMIN' };
      }
      throw notFound('Organization');
    },

    async signOut(principal: MemberPrincipal): Promise<void> {
      await repo.deleteSession(db, principal.userId, principal.sessionId);
    },

    async getUser(userId: string): Promise<User> {
      return userView(await userOf(userId));
    },

    async updateUser(userId: string, input: UpdateUserInput): Promise<User> {
      if (input.default_org_id !== undefined) {
        const memberships = await repo.membershipsOf(db, userId);
        if (!memberships.some((m) => m.orgId === input.default_org_id)) {
          throw badRequest('default_org_id: you are not a member of this organization');
        }
      }
      const row = await repo.updateUser(db, userId, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.default_org_id !== undefined && { defaultOrgId: input.default_org_id }),
      });
      if (!row) throw notFound('User');
      return userView(row);
    },

    async listSessions(principal: MemberPrincipal): Promise<Session[]> {
      return (await repo.listSessions(db, principal.userId, now())).map((s) => sessionView(s, principal.sessionId));
    },

    async revokeSession(principal: MemberPrincipal, sessionId: string): Promise<Session> {
      const row = await repo.deleteSession(db, principal.userId, sessionId);
      if (!row) throw notFound('Session');
      return sessionView(row, principal.sessionId);
    },

    /** For the operator (CLI, first-start bootstrap): a user with a membership; 409 when the email is taken. */
    async createUser(input: { email: string; name: string; password: string; orgId: string; role: Role }): Promise<User> {
      if (await repo.findUserByEmail(db, input.email)) throw new AppError('conflict', `a user with the email ${input.email} already exists`);
      const passwordHash = await hashPassword(input.password);
      const user = await deps.events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        const u = await repo.insertUser(tx, { id: newId('user'), email: input.email.toLowerCase(), name: input.name, passwordHash, defaultOrgId: input.orgId });
        if (!u) throw new AppError('conflict', `a user with the email ${input.email} already exists`);
        const m = await repo.insertMember(tx, input.orgId, { id: newId('member'), userId: u.id, role: input.role });
        emit({ type: 'member.created', orgId: input.orgId, subjectId: m.id, data: { member_id: m.id, user_id: u.id, role: m.role } });
        return u;
      });
      return userView(user);
    },

    async countUsers(): Promise<number> {
      return repo.countUsers(db);
    },
  };
}
