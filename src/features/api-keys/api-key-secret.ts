import { createHash } from 'node:crypto';
import { randomBase62 } from '../../lib/ids.ts';

/** `apk_` + 43 base62 characters = 32 random bytes (256 bits). */
export function generateSecret(): string {
  return `apk_${randomBase62(32)}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The visible part kept for recognition in lists: `apk_` and the first 8 characters. */
export function visiblePrefix(secret: string): string {
  return secret.slice(0, 12);
}

/** Cheap shape check before hashing; anything else cannot be one of our keys. */
export function looksLikeSecret(value: string): boolean {
  return /^apk_[A-Za-z0-9_-]{32,200}$/.test(value);
}
