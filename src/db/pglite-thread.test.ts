import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgliteLike, startPgliteThread } from './pglite-thread.ts';

// `quiet` lets a background job's large write wait for a gap in the requests on the embedded database.
let pg: PgliteLike;
beforeAll(async () => {
  pg = await startPgliteThread('memory://');
}, 60_000);
afterAll(() => pg.close());

/** Statements one after another, each sent as soon as the previous is answered, until `stop()`. */
function traffic(count: number) {
  let stopped = false;
  let sent = 0;
  const done = (async () => {
    while (!stopped && sent < count) {
      sent++;
      await pg.query('select 1');
    }
  })();
  return { done, stop: () => (stopped = true), get sent() {
    return sent;
  } };
}

describe('the embedded database thread', () => {
  it('lets a background write start only once a stream of requests has finished', async () => {
    const requests = traffic(200);
    await pg.quiet(60_000);
    expect(requests.sent).toBe(200);
    await requests.done;
  });

  it('does not wait for background work: statements and transactions on `background`', async () => {
    // Another job's stream of statements and transactions, on the background client, for longer than the wait.
    let stopped = false;
    let sent = 0;
    const other = (async () => {
      while (!stopped) {
        sent++;
        await pg.background.query('select 1');
        await pg.background.transaction(async (tx) => {
          await tx.query('select 2');
        });
      }
    })();
    while (sent < 20) await new Promise((r) => setTimeout(r, 1));
    // Were they waited for, this would wait its whole minute (the test's limit fails it first).
    await pg.quiet(60_000);
    const sentWhenAllowed = sent;
    await new Promise((r) => setTimeout(r, 50));
    // It went ahead while the background statements were still flowing.
    expect(sent).toBeGreaterThan(sentWhenAllowed);
    stopped = true;
    await other;
    // The same stream as requests holds it back until it ends.
    const requests = traffic(200);
    await pg.quiet(60_000);
    expect(requests.sent).toBe(200);
    await requests.done;
  });

  it('lets it start anyway after its longest wait when requests never stop', async () => {
    const requests = traffic(Number.POSITIVE_INFINITY);
    await pg.quiet(50);
    const sentWhenAllowed = requests.sent;
    // The requests were still flowing: quiet() did not wait for them to end.
    await pg.query('select 1');
    expect(requests.sent).toBeGreaterThan(sentWhenAllowed);
    requests.stop();
    await requests.done;
  });
});

describe('a transaction that waits for a query outside it', () => {
  let db: PgliteLike;
  const stalled: Error[] = [];
  beforeAll(async () => {
    db = await startPgliteThread('memory://', undefined, { stalledTransactionMs: 300, onStalledTransaction: (err) => stalled.push(err) });
    await db.exec('create table notes (text text)');
  }, 60_000);
  afterAll(() => db.close());

  it('is rolled back, so the database serves again instead of hanging, and its caller gets why', async () => {
    // The one connection is held by the transaction; the query outside it can only run once it ends.
    const outcome = db.transaction(async (tx) => {
      await tx.query(`insert into notes values ('half-written')`);
      await db.query('select 1');
      await tx.query(`insert into notes values ('after')`);
    });
    await expect(outcome).rejects.toThrow(/^rolled back: this transaction held the embedded database for \d+ ms without a statement while other requests waited/);
    expect(stalled).toHaveLength(1);
    expect(stalled[0]!.stack).toMatch(/began[\s\S]*pglite-thread\.test\.ts/);
    expect((await db.query('select count(*)::int as n from notes')).rows).toEqual([{ n: 0 }]);
    // Later transactions are not affected.
    await db.transaction(async (tx) => {
      await tx.query(`insert into notes values ('kept')`);
    });
    expect((await db.query('select text from notes')).rows).toEqual([{ text: 'kept' }]);
  });

  it('is not: a transaction idle with nobody waiting, or whose statement runs long while others wait', async () => {
    stalled.length = 0;
    await db.transaction(async (tx) => {
      await tx.query(`insert into notes values ('idle')`);
      await new Promise((r) => setTimeout(r, 800));
      await tx.query(`insert into notes values ('idle, then written')`);
    });
    // About 1 s of work in one statement, with a query waiting behind it all along.
    const slow = db.transaction((tx) => tx.query(`select count(*) from generate_series(1, 3000000)`));
    const waiting = db.query('select 1');
    await slow;
    await waiting;
    expect(stalled).toEqual([]);
    expect((await db.query(`select count(*)::int as n from notes where text like 'idle%'`)).rows).toEqual([{ n: 2 }]);
  });
});
