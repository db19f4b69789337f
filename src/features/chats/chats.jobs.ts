import { z } from 'zod';
import type { JobEnqueuer, JobHandlers, RecurringJob } from '../../jobs/job-queue.ts';
import { PermanentJobError } from '../../jobs/job-queue.ts';
import { AppError } from '../../lib/errors.ts';

/** The chats feature's background work: the follow-through sweep, and chat memories (a scan, then one job per summary). */
export const chatJobCatalog = {
  'chats.sweep': { payload: z.object({}), maxAttempts: 1, backoffMs: 1_000, timeoutMs: 300_000 },
  'chats.memories.scan': { payload: z.object({}), maxAttempts: 1, backoffMs: 1_000, timeoutMs: 120_000 },
  'chats.memories.summarize': {
    payload: z.object({ org_id: z.string(), chat_id: z.string(), message_count: z.number().int().positive() }),
    maxAttempts: 3,
    backoffMs: 30_000,
    timeoutMs: 180_000,
  },
};

export type ChatJobCatalog = typeof chatJobCatalog;
export type ChatJobQueue = JobEnqueuer<ChatJobCatalog>;

export const chatRecurringJobs = (every: { sweepMs: number; memoriesScanMs: number }): Array<RecurringJob<keyof ChatJobCatalog>> => [
  { name: 'chats.sweep', everyMs: every.sweepMs },
  { name: 'chats.memories.scan', everyMs: every.memoriesScanMs },
];

/** What the handlers run, named by shape (the services enqueue through this module). */
export interface ChatJobWork {
  sweep(signal: AbortSignal): Promise<unknown>;
  scanMemories(signal: AbortSignal): Promise<unknown>;
  summarize(job: z.output<ChatJobCatalog['chats.memories.summarize']['payload']>, signal: AbortSignal): Promise<void>;
}

export function chatJobHandlers(work: ChatJobWork): JobHandlers<ChatJobCatalog> {
  return {
    'chats.sweep': { run: (_p, ctx) => work.sweep(ctx.signal).then(() => undefined) },
    'chats.memories.scan': { run: (_p, ctx) => work.scanMemories(ctx.signal).then(() => undefined) },
    'chats.memories.summarize': {
      async run(payload, ctx) {
        try {
          await work.summarize(payload, ctx.signal);
        } catch (err) {
          // A model that cannot be used (unknown, no credentials) will not become usable by retrying.
          if (err instanceof AppError && err.code === 'bad_request') throw new PermanentJobError(err.message);
          throw err;
        }
      },
    },
  };
}
