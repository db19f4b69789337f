import { and, asc, count, desc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { invites, type InviteRow, members, type MemberRow, orgs, sessions, type SessionRow, users, type UserRow } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

// Users and sessions belong to no org (a user may be in several): looked up by id, email or token hash.

/** Undefined when the email is taken (also by a concurrent insert): the caller says so instead of a 500. */
export async function insertUser(db: DbOrTx, row: typeof users.$inferInsert): Promise<UserRow | undefined> {
  const [created] = await db.insert(users).values(row).onConflictDoNothing().returning();
  return created;
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  return row;
}

export async function findUser(db: DbOrTx, userId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

export async function updateUser(db: DbOrTx, userId: string, set: Partial<Pick<UserRow, 'name' | 'defaultOrgId'>>): Promise<UserRow | undefined> {
  if (Object.keys(set).length === 0) return findUser(db, userId);
  const [row] = await db.update(users).set(set).where(eq(users.id, userId)).returning();
  return row;
}

export async function countUsers(db: DbOrTx): Promise<number> {
  const [r] = await db.select({ n: count() }).from(users);
  return r?.n ?? 0;
}

export interface Membership {
  memberId: string;
  orgId: string;
  orgName: string;
  role: MemberRow['role'];
  status: MemberRow['status'];
}

/** Every org the user is a member of, oldest membership first. */
export async function membershipsOf(db: DbOrTx, userId: string): Promise<Membership[]> {
  return db
    .select({ memberId: members.id, orgId: members.orgId, orgName: orgs.name, role: members.role, status: members.status })
    .from(members)
    .innerJoin(orgs, eq(orgs.id, members.orgId))
    .where(eq(members.userId, userId))
    .orderBy(asc(members.createdAt), asc(members.id));
}

export async function insertSession(db: DbOrTx, row: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [created] = await db.insert(sessions).values(row).returning();
  return created!;
}

export async function findSessionByHash(db: DbOrTx, tokenHash: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).limit(1);
  return row;
}

/** Expired sessions are kept until their user signs in again, then dropped. */
export async function deleteExpiredSessions(db: DbOrTx, userId: string, now: Date): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lte(sessions.expiresAt, now)));
}

export async function touchSession(db: DbOrTx, sessionId: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt, expiresAt }).where(eq(sessions.id, sessionId));
}

export async function listSessions(db: DbOrTx, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.id));
}

export async function deleteSession(db: DbOrTx, userId: string, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId))).returning();
  return row;
}

// Members and invites: org-scoped.

export interface MemberWithUser extends MemberRow {
  email: string;
  name: string;
}

const memberColumns = {
  id: members.id,
  orgId: members.orgId,
  userId: members.userId,
  role: members.role,
  status: members.status,
  createdAt: members.createdAt,
  email: users.email,
  name: users.name,
};

export async function insertMember(db: DbOrTx, orgId: string, row: Omit<typeof members.$inferInsert, 'orgId'>): Promise<MemberRow> {
  const [created] = await db
    .insert(members)
    .values({ ...row, orgId })
    .onConflictDoNothing({ target: [members.orgId, members.userId] })
    .returning();
  if (created) return created;
  const [existing] = await db.select().from(members).where(and(eq(members.orgId, orgId), eq(members.userId, row.userId)));
  return existing!;
}

export async function listMembers(db: DbOrTx, orgId: string, q: PageQuery): Promise<[MemberWithUser[], number]> {
  const where = eq(members.orgId, orgId);
  const [items, [total]] = await Promise.all([
    db
      .select(memberColumns)
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(where)
      .orderBy(asc(members.createdAt), asc(members.id))
      .limit(q.take)
      .offset(pageOffset(q)),
    db.select({ n: count() }).from(members).where(where),
  ]);
  return [items, total?.n ?? 0];
}

export async function findMember(db: DbOrTx, orgId: string, memberId: string): Promise<MemberWithUser | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, orgId), eq(members.id, memberId)))
    .limit(1);
  return row;
}

/** Locks the org's ADMIN memberships (in a transaction) and counts them: the last-ADMIN rule holds under concurrency. */
export async function lockAdmins(db: DbOrTx, orgId: string): Promise<number> {
  const rows = await db.select({ id: members.id }).from(members).where(and(eq(members.orgId, orgId), eq(members.role, 'ADMIN'))).for('update');
  return rows.length;
}

export async function updateMember(db: DbOrTx, orgId: string, memberId: string, set: Partial<Pick<MemberRow, 'role' | 'status'>>): Promise<void> {
  if (Object.keys(set).length === 0) return;
  await db.update(members).set(set).where(and(eq(members.orgId, orgId), eq(members.id, memberId)));
}

export async function deleteMember(db: DbOrTx, orgId: string, memberId: string): Promise<void> {
  await db.delete(members).where(and(eq(members.orgId, orgId), eq(members.id, memberId)));
}

export async function insertInvite(db: DbOrTx, orgId: string, row: Omit<typeof invites.$inferInsert, 'orgId'>): Promise<InviteRow> {
  const [created] = await db.insert(invites).values({ ...row, orgId }).returning();
  return created!;
}

const pending = (orgId: string) => and(eq(invites.orgId, orgId), isNull(invites.acceptedAt));

export async function listInvites(db: DbOrTx, orgId: string, q: PageQuery): Promise<[InviteRow[], number]> {
  const [items, [total]] = await Promise.all([
    db.select().from(invites).where(pending(orgId)).orderBy(desc(invites.createdAt), desc(invites.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(invites).where(pending(orgId)),
  ]);
  return [items, total?.n ?? 0];
}

export async function deleteInvite(db: DbOrTx, orgId: string, inviteId: string): Promise<InviteRow | undefined> {
  const [row] = await db.delete(invites).where(and(pending(orgId), eq(invites.id, inviteId))).returning();
  return row;
}

/**
 * Serialises the changes to an email's invites in an org until the transaction ends: two invites of the same person at
 * the same moment then replace one another in order instead of both staying.
 */
export async function lockInvitesOf(tx: DbOrTx, orgId: string, email: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${INVITES_LOCK_KEY}, hashtext(${orgId} || ' ' || ${email}))`);
}

/** First key of `lockInvitesOf`'s advisory lock ("invites"). */
const INVITES_LOCK_KEY = 1769369205;

/** The ids of an email's pending invites in an org (unaccepted, expired or not). */
export async function pendingInviteIdsOf(db: DbOrTx, orgId: string, email: string): Promise<string[]> {
  const rows = await db.select({ id: invites.id }).from(invites).where(and(pending(orgId), eq(invites.email, email)));
  return rows.map((r) => r.id);
}

/** These invites, when still pending, removed and returned. */
export async function deletePendingInvites(db: DbOrTx, orgId: string, ids: string[]): Promise<InviteRow[]> {
  if (ids.length === 0) return [];
  return db.delete(invites).where(and(pending(orgId), inArray(invites.id, ids))).returning();
}

/** Whether the account of this email is a member of the org. */
export async function isMemberByEmail(db: DbOrTx, orgId: string, email: string): Promise<boolean> {
  const [row] = await db
    .select({ id: members.id })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, orgId), sql`lower(${users.email}) = lower(${email})`))
    .limit(1);
  return row !== undefined;
}

/** Marks a pending, unexpired invite used and returns it; undefined when it is not (so a token works once). */
export async function claimInvite(db: DbOrTx, tokenHash: string, now: Date): Promise<InviteRow | undefined> {
  const [row] = await db
    .update(invites)
    .set({ acceptedAt: now })
    .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.acceptedAt), gt(invites.expiresAt, now)))
    .returning();
  return row;
}

/** Not org-scoped: the token is how the org is learnt. */
export async function findInviteByHash(db: DbOrTx, tokenHash: string): Promise<InviteRow | undefined> {
  const [row] = await db.select().from(invites).where(eq(invites.tokenHash, tokenHash)).limit(1);
  return row;
}
