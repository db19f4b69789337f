/**
 * Who made a change, as the event log records it: an API key, a signed-in member, a web widget visitor,
 * or Parley itself (jobs, sweeps, the first-start bootstrap).
 */
export type ActorType = 'api_key' | 'member' | 'visitor' | 'system';

export interface Actor {
  type: ActorType;
  /** The key's, member's or visitor's id; null for `system`. */
  id: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };
