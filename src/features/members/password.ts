import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with Node's built-in scrypt: memory-hard (each guess costs 32 MiB here, which slows
 * GPU and ASIC cracking), and built into Node, so there is no native addon to approve, build or audit.
 * The stored string names its parameters (`scrypt$N$r$p$salt$hash`), so they can be raised later and
 * old hashes still verify.
 *
 * The test suite lowers the cost to N = 2^10 with `PARLEY_TEST_FAST_PASSWORD_HASH=1`, honoured only when `NODE_ENV`
 * is `test` (vitest sets it), as Rails' `SecurePassword.min_cost` does in its test environment: the suite signs up
 * and signs in people by the hundred, at about 160 ms of CPU each at 2^15 on a 2-core machine. Everything else runs
 * as in production, and a hash made at either cost verifies.
 */
const N = process.env.NODE_ENV === 'test' && process.env.PARLEY_TEST_FAST_PASSWORD_HASH === '1' ? 2 ** 10 : 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // maxmem must exceed 128 * N * r (32 MiB at these parameters); Node's default is exactly 32 MiB.
  const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Verified against when the email is unknown, so both failures take as long (no account probing by timing). */
export const DUMMY_HASH = await hashPassword(randomBytes(16).toString('hex'));
