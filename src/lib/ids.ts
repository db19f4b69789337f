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
  // Written into a scratch buffer and read out once: appending character by character made a string per character.
  const out = length <= scratch.length ? scratch : Buffer.alloc(length);
  for (let n = 0; n < length; ) {
    const b = randomByte();
    if (b < 248) out[n++] = BASE62_CODES[b % 62]!;
  }
  return out.toString('latin1', 0, length);
}

const BASE62_CODES = Buffer.from(BASE62, 'latin1');
const scratch = Buffer.alloc(64);

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
  webhookDelivery: 'whd',
  event: 'evt',
  user: 'usr',
  member: 'mem',
  session: 'ses',
  invite: 'inv',
  contact: 'cnt',
  contactChannel: 'cch',
  segment: 'seg',
  chatMemory: 'chm',
  visitor: 'vis',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Prefixed id: `ast_` + 22 base62 characters (128 bits). */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62(16)}`;
}

let lastMs = 0;
let seq = 0;

const base62 = (n: number, width: number) => {
  let out = '';
  for (let i = 0; i < width; i++, n = Math.floor(n / 62)) out = BASE62[n % 62] + out;
  return out;
};

/**
 * Prefixed id that sorts by creation time, and by creation order within this process (as ULIDs
 * do): `evt_` + the millisecond clock in 8 base62 characters (enough until the year 8900) + a
 * 4-character sequence within that millisecond + 10 random characters. BASE62's alphabet is in
 * ASCII order, so ids compare as their times do.
 */
export function newSortableId(kind: IdKind, now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else seq++;
  return `${ID_PREFIXES[kind]}_${base62(lastMs, 8)}${base62(seq, 4)}${randomBase62(8)}`;
}

/** The smallest sortable id of `kind` made at or after `ms`: ids below it were all made before. */
export const sortableIdFloor = (kind: IdKind, ms: number) => `${ID_PREFIXES[kind]}_${base62(ms, 8)}`;
