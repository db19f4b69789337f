import { randomFillSync } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes drawn 4 KB at a time: a crypto call per id showed up on the invoke path (3 ids per call).
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomByte(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

/**
 * Base62 of `bytes` random bytes' worth of entropy: URL-safe, double-click selectable, no padding.
 * Each character comes from one random byte below 248 (= 4 x 62, so `% 62` stays uniform; the
 * others are drawn again), and there are ceil(bytes * 8 / log2(62)) of them, as many as a base62
 * rendering of the bytes would have.
 */
export function randomBase62(bytes: number): string {
  const length = Math.ceil((bytes * 8) / Math.log2(62));
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += BASE62[b % 62];
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
  user: 'usr',
  member: 'mem',
  session: 'ses',
  invite: 'inv',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Prefixed id: `ast_` + 22 base62 characters (128 bits). */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62(16)}`;
}
