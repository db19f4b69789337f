/**
 * Scrubbing of credentials from text that reaches the logs: request URLs (a client may send its API
 * key as `?api_key=`, a widget its `user_hash`) and messages that quote one. Header and body fields are
 * redacted by path in logger.ts; this covers what only exists inside a string.
 */

export const REDACTED = '[redacted]';

/** Last words of a query parameter name that holds a credential (`api_key`, `access_token`, `user_hash`, `apiKey`). */
const SECRET_WORDS = new Set([
  'key', 'apikey', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'secret', 'clientsecret', 'password', 'passwd',
  'pwd', 'authorization', 'auth', 'hash', 'userhash', 'signature', 'sig', 'session', 'credential', 'credentials', 'jwt',
]);

/** Parley's own secrets by their prefix (keys, session cookies, invite tokens, webhook secrets); 16+ characters so the visible key prefix (`apk_` + 8) stays readable. */
const SECRET_TOKEN = /\b(?:(?:apk|pss|pit)(?:_|%5f)[A-Za-z0-9_-]{16,}|whsec(?:_|%5f)[A-Za-z0-9+/=]{16,})/gi;
const LOOKS_SECRET = /(?:apk|pss|pit|whsec)(?:_|%5f)/i;

/** A `name=value` pair inside a query string, wherever it appears in a text. */
const QUERY_PAIR = /([?&])([^=&\s#?"'<>]+)=([^&\s#"'<>]*)/g;

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

export function isSecretParam(name: string, value: string): boolean {
  const words = decode(name).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const last = words[words.length - 1];
  return (last !== undefined && SECRET_WORDS.has(last)) || LOOKS_SECRET.test(decode(value));
}

/** `text` with credential-looking query values and Parley secrets replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  if (!text.includes('=') && !LOOKS_SECRET.test(text)) return text; // the common case, kept cheap
  return text
    .replace(QUERY_PAIR, (pair, sep: string, name: string, value: string) =>
      value && isSecretParam(name, value) ? `${sep}${name}=${REDACTED}` : pair,
    )
    .replace(SECRET_TOKEN, REDACTED);
}
