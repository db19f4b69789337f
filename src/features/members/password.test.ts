import { afterEach, describe, expect, it, vi } from 'vitest';

/** password.ts reads its cost when loaded: each case loads it afresh under the environment it sets. */
async function load(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  vi.resetModules();
  return import('./password.ts');
}

describe('password hashing', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('hashes at scrypt N = 2^15, r = 8, p = 1 unless the test suite asks otherwise', async () => {
    const { hashPassword, verifyPassword } = await load({ NODE_ENV: 'production', PARLEY_TEST_FAST_PASSWORD_HASH: '1' });
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });

  it('lowers the cost only under NODE_ENV=test with PARLEY_TEST_FAST_PASSWORD_HASH=1, and verifies hashes of either cost', async () => {
    const strong = await (await load({ NODE_ENV: 'test', PARLEY_TEST_FAST_PASSWORD_HASH: undefined })).hashPassword('pw one');
    expect(strong).toMatch(/^scrypt\$32768\$/);
    const fast = await load({ NODE_ENV: 'test', PARLEY_TEST_FAST_PASSWORD_HASH: '1' });
    const weak = await fast.hashPassword('pw one');
    expect(weak).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await fast.verifyPassword('pw one', strong)).toBe(true);
    expect(await fast.verifyPassword('pw one', weak)).toBe(true);
    expect(await fast.verifyPassword('pw two', strong)).toBe(false);
  });

  it('refuses a stored string that is not one of its hashes', async () => {
    const { verifyPassword } = await load({});
    for (const stored of ['', 'plain', 'bcrypt$10$abc', 'scrypt$32768$8$1$salt']) expect(await verifyPassword('x', stored)).toBe(false);
  });
});
