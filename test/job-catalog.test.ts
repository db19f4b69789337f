import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../src/db/client.ts';
import { createJobQueue, type JobQueue } from '../src/jobs/job-queue.ts';
import { freshDatabase } from './harness.ts';

const catalog = {
  'test.greet': { payload: z.object({ name: z.string().min(1), times: z.number().int().positive().default(1) }), maxAttempts: 1, backoffMs: 10, timeoutMs: 5_000 },
  'test.count': { payload: z.object({ n: z.number() }), maxAttempts: 1, backoffMs: 10, timeoutMs: 5_000 },
};

/** The job catalog: payload types follow from job names at compile time, and are checked at run time. */
describe('typed job catalog', () => {
  let database: Database;
  let queue: JobQueue<typeof catalog>;
  const greeted: string[] = [];
  let counted = 0;

  beforeAll(async () => {
    database = await freshDatabase();
    queue = createJobQueue({
      database,
      logger: pino({ level: 'silent' }),
      concurrency: 1,
      pollMs: 20,
      catalog,
      handlers: {
        'test.greet': {
          async run(p) {
            // p.times is a number here (the schema's default applied), p.name a string.
            greeted.push(p.name.repeat(p.times));
          },
        },
        'test.count': {
          async run(p) {
            counted += p.n;
          },
        },
      },
    });
    await queue.start();
  });
  afterAll(async () => {
    await queue?.stop();
    await database?.close();
  });

  it('runs each job with the payload its name calls for, defaults applied', async () => {
    const { db } = database;
    await queue.enqueue(db, 'test.greet', { name: 'ab', times: 2 });
    await queue.enqueue(db, 'test.greet', { name: 'c' });
    await queue.enqueue(db, 'test.count', { n: 5 });
    await queue.idle(10_000);
    expect(greeted.sort()).toEqual(['abab', 'c']);
    expect(counted).toBe(5);
  });

  it('refuses at enqueue a payload that does not match, and writes nothing', async () => {
    const { db } = database;
    const before = await db.execute(sql`select count(*)::int as n from jobs`);
    // @ts-expect-error: test.count takes { n: number }
    await expect(queue.enqueue(db, 'test.count', { name: 'x' })).rejects.toThrow(/n/);
    await expect(queue.enqueue(db, 'test.greet', { name: '' })).rejects.toThrow(/name|too_small|>=1/i);
    // @ts-expect-error: there is no such job in the catalog
    await expect(queue.enqueue(db, 'test.nope', {})).rejects.toThrow('unknown job "test.nope"');
    const after = await db.execute(sql`select count(*)::int as n from jobs`);
    expect((after as unknown as { rows: unknown[] }).rows).toEqual((before as unknown as { rows: unknown[] }).rows);
  });
});
