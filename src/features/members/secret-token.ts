import { createHash } from 'node:crypto';
import { randomBase62 } from '../../lib/ids.ts';

/** Session cookie values (`pss_`) and invite tokens (`pit_`): 32 random bytes; only SHA-256 hashes are stored. */
export const newSessionToken = (): string => `pss_${randomBase62(32)}`;
export const newInviteToken = (): string => `pit_${randomBase62(32)}`;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * The CSRF token is derived from the session token instead of stored: whoever can read it (the page's own
 * script, via the non-HttpOnly cookie) learns nothing about the session token, and a cross-site page can
 * read neither.
 */
export const csrfTokenOf = (sessionToken: string): string =>
  createHash('sha256').update(`parley-csrf:${sessionToken}`).digest('base64url');

export const looksLikeSessionToken = (v: string): boolean => /^pss_[A-Za-z0-9]{40,60}$/.test(v);
export const looksLikeInviteToken = (v: string): boolean => /^pit_[A-Za-z0-9]{40,60}$/.test(v);
