import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base62 of random bytes: URL-safe, double-click selectable, no padding. */
export function randomBase62(bytes: number): string {
  let n = BigInt('0x' + randomBytes(bytes).toString('hex'));
  // Fixed length so ids and keys all look alike: ceil(bytes * 8 / log2(62)).
  const length = Math.ceil((bytes * 8) / Math.log2(62));
  let out = '';
  for (let i = 0; i < length; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

export const ID_PREFIXES = {
  org: 'org',
  assistant: 'ast',
  apiKey: 'key',
  chat: 'chat',
  message: 'msg',
  usage: 'usg',
  job: 'job',
  chunk: 'chk',
  knowledge: 'kn',
  webhook: 'whk',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Prefixed id: `ast_` + 22 base62 characters (128 bits). */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62(16)}`;
}
