import type { Db } from '../../db/client.ts';
import type { ApiKeyRow } from '../../db/schema.ts';
import type { ApiKeyPrincipal } from '../../http/principal.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { createTtlCache } from '../../infra/cache/ttl-cache.ts';
import { generateSecret, hashSecret, looksLikeSecret, visiblePrefix } from './api-key-secret.ts';
import * as repo from './api-keys.repo.ts';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey } from './api-keys.schemas.ts';
import { createLastUsedTracker } from './last-used-tracker.ts';

export interface ApiKeysDeps {
  db: Db;
  /** True when the assistant exists (not deleted) in the org; keeps this feature off the assistants tables. */
  assistantExists: (orgId: string, assistantId: string) => Promise<boolean>;
  now?: () => Date;
  lastUsedFlushMs?: number;
  onFlushError?: (err: unknown) => void;
  /** Key lookups are cached this long (a revocation here applies at once; elsewhere within this time). */
  cacheTtlMs?: number;
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;

export function createApiKeysService(deps: ApiKeysDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  // Keyed by the secret's hash: one database read per key per TTL instead of one per request.
  const byHash = createTtlCache<ApiKeyRow | null>({ ttlMs: deps.cacheTtlMs ?? 0 });
  const lastUsed = createLastUsedTracker({
    flush: (batch) => repo.touchKeys(db, batch),
    intervalMs: deps.lastUsedFlushMs ?? 15_000,
    onError: deps.onFlushError ?? (() => {}),
  });

  const toApi = (row: ApiKeyRow): ApiKey => ({
    id: row.id,
    org_id: row.orgId,
    name: row.name,
    scope: row.scope,
    assistant_id: row.assistantId,
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
    last_used_at: (lastUsed.pending(row.id) ?? row.lastUsedAt)?.toISOString() ?? null,
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
  });

  async function validate(orgId: string, input: CreateApiKeyInput): Promise<Date | null> {
    const scope = input.scope ?? 'admin';
    if (input.assistant_id) {
      if (scope !== 'runtime') throw badRequest('assistant_id: only runtime-scoped keys can be restricted to one assistant');
      if (!(await deps.assistantExists(orgId, input.assistant_id))) {
        throw badRequest('assistant_id: no such assistant in this organization');
      }
    }
    const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
    if (expiresAt && expiresAt <= now()) throw badRequest('expires_at: must be in the future');
    return expiresAt;
  }

  return {
    /** Creates a key; `secret` lets an operator install a known key (bootstrap). */
    async create(orgId: string, input: CreateApiKeyInput, secret: string = generateSecret()): Promise<CreatedApiKey> {
      const expiresAt = await validate(orgId, input);
      const row = await repo.insertKey(db, {
        id: newId('apiKey'),
        orgId,
        name: input.name ?? 'API key',
        keyHash: hashSecret(secret),
        prefix: visiblePrefix(secret),
        scope: input.scope ?? 'admin',
        assistantId: input.assistant_id ?? null,
        expiresAt,
      });
      return { ...toApi(row), key: secret };
    },

    async list(orgId: string, q: PageQuery): Promise<Page<ApiKey>> {
      const [rows, count] = await repo.listKeys(db, orgId, q);
      return { items: rows.map(toApi), count, ...q };
    },

    async revoke(orgId: string, keyId: string): Promise<ApiKey> {
      const row = await repo.revokeKey(db, orgId, keyId);
      if (!row) throw notFound('API key');
      byHash.delete(row.keyHash);
      return toApi(row);
    },

    async revokeAnywhere(keyId: string): Promise<ApiKey> {
      const row = await repo.revokeKeyById(db, keyId);
      if (!row) throw notFound('API key');
      byHash.delete(row.keyHash);
      return toApi(row);
    },

    async listAll(orgId?: string): Promise<ApiKey[]> {
      return (await repo.listAllKeys(db, orgId)).map(toApi);
    },

    async authenticate(secret: string): Promise<ApiKeyPrincipal | null> {
      if (!looksLikeSecret(secret)) return null;
      const hash = hashSecret(secret);
      const row = await byHash.getOrLoad(hash, async () => (await repo.findByHash(db, hash)) ?? null);
      const t = now();
      if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= t)) return null;
      lastUsed.record(row.id, t);
      return { kind: 'api_key', keyId: row.id, orgId: row.orgId, scope: row.scope, assistantId: row.assistantId };
    },

    /** Forgets cached keys (an org and its keys were deleted). */
    forgetCached(): void {
      byHash.clear();
    },

    /** Writes pending last-used times; called on shutdown. */
    async close(): Promise<void> {
      await lastUsed.close();
    },
  };
}

