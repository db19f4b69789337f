import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../infra/secret-box.ts';

/** What a visitor token vouches for. */
export interface VisitorClaims {
  visitorId: string;
  assistantId: string;
  orgId: string;
  /** The site's user id, verified by its `user_hash` when the token was issued; null for an anonymous visitor. */
  userId: string | null;
  /** Seconds since the epoch. */
  expiresAt: number;
  /**
   * For a verified user: a tag of the assistant's secret key the hash was checked with, so that rotating the key
   * ends those sessions (the site must sign its users again). null for an anonymous visitor.
   */
  keyTag: string | null;
}

const PREFIX = 'pwv_';
const PURPOSE = 'widget-visitor/v1';
const MAX_TOKEN = 2_000;

/*
 * Visitor tokens are signed, not stored: a page view that opens the widget writes nothing, so the
 * widget on a busy site costs no rows and cannot be used to fill the database. The signature is an
 * HMAC with a key derived from the instance secret; nothing in the token is secret.
 */

export function signVisitorToken(box: SecretBox, claims: VisitorClaims): string {
  const payload = Buffer.from(JSON.stringify([claims.visitorId, claims.assistantId, claims.orgId, claims.userId, claims.expiresAt, claims.keyTag])).toString('base64url');
  return `${PREFIX}${payload}.${box.mac(PURPOSE, payload).toString('base64url')}`;
}

/** The token's claims, or null when it is malformed, forged or expired (`allowExpired` reads an expired one, to renew it). */
export function readVisitorToken(box: SecretBox, token: string, now = Date.now(), allowExpired = false): VisitorClaims | null {
  if (token.length > MAX_TOKEN || !token.startsWith(PREFIX)) return null;
  const [payload, sig] = token.slice(PREFIX.length).split('.');
  if (!payload || !sig || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(sig)) return null;
  const expected = box.mac(PURPOSE, payload);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [visitorId, assistantId, orgId, userId, expiresAt, keyTag = null] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string, string, string | null, number, string | null | undefined];
    if (!allowExpired && expiresAt * 1000 <= now) return null;
    return { visitorId, assistantId, orgId, userId, expiresAt, keyTag };
  } catch {
    return null;
  }
}

/** A short public tag of an assistant's secret key (an HMAC of a fixed label: it reveals nothing of the key). */
export const secretKeyTag = (secretKey: string) => createHmac('sha256', secretKey).update('parley-visitor-key-tag').digest('base64url').slice(0, 12);
