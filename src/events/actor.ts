/**
 * Who made a change, as the event log records it: an API key, a signed-in member, or Parley itself
 * (jobs, sweeps, the first-start bootstrap).
 */
export interface Actor {
  type: 'api_key' | 'member' | 'system';
  /** The key's or member's id; null for `system`. */
  id: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };
