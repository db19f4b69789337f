import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** AES-256-GCM encryption of small secrets (org provider keys) at rest, and MACs for tokens Parley signs. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** HMAC-SHA256 of `data` with a key of its own per `purpose` (derived from the master secret). */
  mac(purpose: string, data: string): Buffer;
}

export function createSecretBox(masterSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', masterSecret, 'parley', 'parley/provider-credentials/v1', 32));
  const macKeys = new Map<string, Buffer>();
  return {
    mac(purpose, data) {
      let k = macKeys.get(purpose);
      if (!k) {
        k = Buffer.from(hkdfSync('sha256', masterSecret, 'parley', `parley/mac/${purpose}`, 32));
        macKeys.set(purpose, k);
      }
      return createHmac('sha256', k).update(data).digest();
    },
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unreadable sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * Embedded mode needs no setup: without PARLEY_SECRET a random one is kept in the data folder
 * (mode 0600). With PostgreSQL there is no shared folder, so PARLEY_SECRET must be set.
 */
export function loadOrCreateDataDirSecret(dataDir: string): string {
  const file = path.resolve(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
