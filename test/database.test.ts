import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.ts';
import { compileInserts, rowsFor, writeRows } from '../src/db/insert-many.ts';
import { events, knowledgeFiles, orgs } from '../src/db/schema.ts';
import { ENGINE, freshDatabase } from './harness.ts';

// The database client's contract, on both engines: on the embedded one every statement crosses to
// PGlite's own thread and back, so errors, transactions and values must survive the trip.
let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database.close();
});

const org = (id: string, name = id) => ({ id, name, createdAt: new Date(), updatedAt: new Date() });

describe('database client', () => {
  it("reports PostgreSQL's error fields (code, constraint) with the message", async () => {
    await database.db.insert(orgs).values(org('org_dup_1'));
    const err = await database.db
      .insert(orgs)
      .values(org('org_dup_1'))
      .catch((e: unknown) => e as Error & { cause?: Record<string, unknown> });
    const pgErr = (err as { cause?: Record<string, unknown> }).cause ?? (err as unknown as Record<string, unknown>);
    expect(pgErr.code).toBe('23505');
    expect(String(pgErr.message)).toMatch(/duplicate key/);
  });

  it('commits a transaction whole and rolls a failed one back whole, nested savepoints included', async () => {
    await database.db.transaction(async (tx) => {
      await tx.insert(orgs).values(org('org_tx_a'));
      await tx.transaction(async (inner) => {
        await inner.insert(orgs).values(org('org_tx_b'));
      });
    });
    const failed = await database.db
      .transaction(async (tx) => {
        await tx.insert(orgs).values(org('org_tx_c'));
        await tx.transaction(async (inner) => {
          await inner.insert(orgs).values(org('org_tx_d'));
        });
        throw new Error('changed my mind');
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe('changed my mind');
    const savepointRolledBack = await database.db.transaction(async (tx) => {
      await tx.insert(orgs).values(org('org_tx_e'));
      await tx.transaction(async (inner) => {
        await inner.insert(orgs).values(org('org_tx_f'));
        inner.rollback();
      }).catch(() => {});
      return 'kept e';
    });
    expect(savepointRolledBack).toBe('kept e');
    const ids = (await database.db.select({ id: orgs.id }).from(orgs)).map((r) => r.id).filter((id) => id.startsWith('org_tx_'));
    expect(ids.sort()).toEqual(['org_tx_a', 'org_tx_b', 'org_tx_e']);
  });

  it('keeps statements outside a transaction from seeing its writes until it commits', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const written = new Promise<void>((r) => (inserted = r));
    const tx = database.db.transaction(async (t) => {
      await t.insert(orgs).values(org('org_iso_1'));
      inserted();
      await hold;
    });
    await written;
    const outside = Promise.resolve(database.db.select().from(orgs).where(eq(orgs.id, 'org_iso_1')));
    if (ENGINE === 'pglite') {
      // One connection: the outside read waits for the transaction to end, then sees its row.
      let answered = false;
      void outside.then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(answered).toBe(false);
      release();
      expect(await outside).toHaveLength(1);
    } else {
      // PostgreSQL answers the outside read at once, without the uncommitted row (released only after it answered:
      // a timer could let the transaction commit first on a busy machine).
      expect(await outside).toHaveLength(0);
      release();
    }
    await tx;
    expect(await database.db.select().from(orgs).where(eq(orgs.id, 'org_iso_1'))).toHaveLength(1);
  });

  it('inserts many rows in one statement, with every awkward value intact', async () => {
    const names = ['plain', 'NULL', 'a "quoted" \\ backslash', '{braces},comma', '', 'üñí 😀 \u0001', ' spaced ', 'line\nbreak'];
    const rows = names.map((name, i) => ({ ...org(`org_many_${i}`, name), monthlyTokenBudget: i % 2 ? null : i * 1000 }));
    await writeRows(database.db, [rowsFor(orgs, rows)]);
    const back = await database.db.select().from(orgs).where(sql`${orgs.id} like 'org_many_%'`).orderBy(orgs.id);
    expect(back.map((r) => r.name)).toEqual(names);
    expect(back.map((r) => r.monthlyTokenBudget)).toEqual(rows.map((r) => r.monthlyTokenBudget));
    expect(back.every((r, i) => r.createdAt.getTime() === rows[i]!.createdAt.getTime())).toBe(true);
    await writeRows(database.db, [rowsFor(orgs, [])]); // nothing to do is not an error
  });

  it('keeps JSON values whole, whatever their shape, and writes absent ones as NULL', async () => {
    const values = [{ nested: { list: [1, 'two', null, { three: true }] }, text: 'a "quoted" \\ \u0001 😀' }, { empty: {} }, { n: -1.5e-7 }];
    const rows = values.map((data, i) => ({
      id: `evt_json_${i}`,
      orgId: 'org_json',
      type: 'org.updated',
      subjectId: 'org_json',
      actorType: 'system' as const,
      actorId: i === 1 ? null : `key_${i}`,
      data,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
    }));
    await writeRows(database.db, [rowsFor(events, rows)]);
    const back = await database.db.select().from(events).where(eq(events.orgId, 'org_json')).orderBy(events.id);
    expect(back.map((r) => r.data)).toEqual(values);
    expect(back.map((r) => r.actorId)).toEqual(['key_0', null, 'key_2']);
    expect(back.map((r) => r.createdAt.toISOString())).toEqual(rows.map((r) => r.createdAt.toISOString()));
    expect(back.every((r) => typeof r.txid === 'bigint' && r.txid > 0n)).toBe(true); // its default, as the row left it out
  });

  it('refuses, before any SQL, a table with a column JSON cannot carry', () => {
    const file = { contentId: 'kc_1', orgId: 'org_1', bytes: new Uint8Array([0, 1]) } as unknown as typeof knowledgeFiles.$inferInsert;
    expect(() => compileInserts([rowsFor(knowledgeFiles, [file])])).toThrow(/knowledge_files\.bytes \(bytea\) has no JSON form/);
  });
});
