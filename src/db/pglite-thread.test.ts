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
