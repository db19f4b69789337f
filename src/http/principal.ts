/** Who is calling: resolved once per request from the Bearer key. */
export interface Principal {
  keyId: string;
  /** The org the key was issued for (what `c` means). */
  orgId: string;
  scope: 'admin' | 'runtime';
  /** When set, the key may invoke only this assistant. */
  assistantId: string | null;
}
