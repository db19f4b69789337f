import type { Logger } from 'pino';
import type { Db } from '../../db/client.ts';
import { SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { ChatStateService, CsatSettings } from './chat-state.service.ts';
import { describeMinutes } from './csat.ts';
import * as repo from './follow-through.repo.ts';

/** Chats changed per transaction; a sweep goes on with the next batch until none is left (or MAX_BATCHES). */
const BATCH = 100;
const MAX_BATCHES = 50;
export const DEFAULT_AUTO_RESOLVE_MINUTES = 1440;

export interface AutoResolveAssistant {
  id: string;
  orgId: string;
  minutes: number;
  csat: CsatSettings;
}

export type FollowThrough = ReturnType<typeof createFollowThrough>;

/**
 * The sweep that follows chats through time, run by a recurring job (one run at a time across instances):
 * snoozed chats whose time has come open again, and, for assistants with `enable_auto_resolve`, open chats that
 * nothing happened in for `auto_resolve_after_minutes` are resolved (with the CSAT request when it is on).
 * A sweep reads only what is due through partial indexes (open chats by assistant and activity, snoozed ones by
 * wake time), so its cost follows the chats it changes, not the chats stored.
 */
export function createFollowThrough(deps: {
  db: Db;
  events: EventLog;
  chatState: ChatStateService;
  /** Assistants with auto-resolve on, with their delay. */
  autoResolving: () => Promise<AutoResolveAssistant[]>;
  /** The time the sweep takes as now (tests move it forward). */
  now: () => number;
  logger: Logger;
}) {
  const { events, chatState } = deps;

  /** Runs `batch` until it changes fewer than BATCH chats; returns how many it changed. */
  async function drain(batch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await batch();
      total += n;
      if (n < BATCH) break;
    }
    return total;
  }

  async function wakeSnoozed(now: Date): Promise<number> {
    return drain(() =>
      events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        const due = await repo.dueSnoozedChats(tx, now, BATCH);
        for (const chat of due) await chatState.wakeIn(tx, emit, chat, now);
        return due.length;
      }),
    );
  }

  async function autoResolve(assistant: AutoResolveAssistant, now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - assistant.minutes * 60_000);
    const line = `Resolved automatically after ${describeMinutes(assistant.minutes)} of inactivity`;
    return drain(() =>
      events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        const due = await repo.inactiveOpenChats(tx, assistant.id, cutoff, now, BATCH);
        for (const chat of due) await chatState.resolveIn(tx, emit, chat, line, assistant.csat);
        return due.length;
      }),
    );
  }

  return {
    /** One sweep; each assistant's chats are handled apart, so one failing does not stop the others. */
    async sweep(signal: AbortSignal): Promise<{ woken: number; resolved: number }> {
      const now = new Date(deps.now());
      const woken = await wakeSnoozed(now);
      let resolved = 0;
      for (const assistant of await deps.autoResolving()) {
        if (signal.aborted) break;
        try {
          resolved += await autoResolve(assistant, now);
        } catch (err) {
          deps.logger.error({ err, assistant_id: assistant.id }, 'auto-resolve failed for an assistant; the next sweep tries again');
        }
      }
      return { woken, resolved };
    },
  };
}
