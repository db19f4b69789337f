import type { Actor } from '../events/actor.ts';

/** Who is calling: resolved once per request from the Bearer key. */
export interface Principal {
  keyId: string;
  /** The org the key was issued for (what `c` means). */
  orgId: string;
  scope: 'admin' | 'runtime';
  /** When set, the key may invoke only this assistant. */
  assistantId: string | null;
}

/** The actor the event log records for changes this principal makes. */
export function actorOf(principal: Principal): Actor {
  return { type: 'api_key', id: principal.keyId };
}
