import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { Emit, EventLog } from '../../events/event-log.ts';
import type { CacheStore } from '../../infra/cache/cache.ts';
import type { ApiKeyRow } from '../../db/schema.ts';
import type { ApiKeyPrincipal } from '../../http/principal.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { generateSecret, hashSecret, looksLikeSecret, visiblePrefix } from './api-key-secret.ts';
import * as repo from './api-keys.repo.ts';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey } from './api-keys.schemas.ts';
import { createLastUsedTracker } from './last-used-tracker.ts';

export interface ApiKeysDeps {
  db: Db;
  events: EventLog;
  caches: CacheStore;
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
  const { db, events } = deps;
  const now = deps.now ?? (() => new Date());
  // Keyed by the secret's hash: one database read per key per TTL instead of one per request.
  const byHash = deps.caches.cache<ApiKeyRow | null>('api-keys', { ttlMs: deps.cacheTtlMs ?? 0 });
  // Events name keys by id, never by hash: the hashes of the keys loaded here, to drop their entries.
  const hashById = new Map<string, string>();
  events.onChange(['api_key.revoked'], (e) => {
    const hash = hashById.get(e.subject_id);
    if (hash) byHash.delete(hash);
  });
  events.onChange(['org.deleted'], () => byHash.clear());
  const revoked = (emit: Emit, row: ApiKeyRow) =>
    emit({ type: 'api_key.revoked', orgId: row.orgId, subjectId: row.id, data: { key_id: row.id, name: row.name } });
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
    async create(orgId: string, input: CreateApiKeyInput, secret: string = generateSecret(), actor: Actor = SYSTEM_ACTOR): Promise<CreatedApiKey> {
      const expiresAt = await validate(orgId, input);
      return events.transaction(actor, async (tx, emit) => {
        const row = await repo.insertKey(tx, {
          id: newId('apiKey'),
          orgId,
          name: input.name ?? 'API key',
          keyHash: hashSecret(secret),
          prefix: visiblePrefix(secret),
          scope: input.scope ?? 'admin',
          assistantId: input.assistant_id ?? null,
          expiresAt,
        });
        emit({
          type: 'api_key.created',
          orgId,
          subjectId: row.id,
          data: { key_id: row.id, name: row.name, scope: row.scope, assistant_id: row.assistantId },
        });
        return { ...toApi(row), key: secret };
      });
    },

    async list(orgId: string, q: PageQuery): Promise<Page<ApiKey>> {
      const [rows, count] = await repo.listKeys(db, orgId, q);
      return { items: rows.map(toApi), count, ...q };
    },

    async revoke(orgId: string, keyId: string, actor: Actor = SYSTEM_ACTOR): Promise<ApiKey> {
      return events.transaction(actor, async (tx, emit) => {
        const row = await repo.revokeKey(tx, orgId, keyId);
        if (!row) throw notFound('API key');
        hashById.set(row.id, row.keyHash);
        revoked(emit, row);
        return toApi(row);
      });
    },

    async revokeAnywhere(keyId: string): Promise<ApiKey> {
      return events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        const row = await repo.revokeKeyById(tx, keyId);
        if (!row) throw notFound('API key');
        hashById.set(row.id, row.keyHash);
        revoked(emit, row);
        return toApi(row);
      });
    },

    async listAll(orgId?: string): Promise<ApiKey[]> {
      return (await repo.listAllKeys(db, orgId)).map(toApi);
    },

    async authenticate(secret: string): Promise<ApiKeyPrincipal | null> {
      if (!looksLikeSecret(secret)) return null;
      const hash = hashSecret(secret);
      const row = await byHash.getOrLoad(hash, async () => {
        const found = (await repo.findByHash(db, hash)) ?? null;
        if (found) hashById.set(found.id, found.keyHash);
        return found;
      });
      const t = now();
      if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= t)) return null;
      lastUsed.record(row.id, t);
      return { kind: 'api_key', keyId: row.id, orgId: row.orgId, scope: row.scope, assistantId: row.assistantId };
    },

    /** Writes pending last-used times; called on shutdown. */
    async close(): Promise<void> {
      await lastUsed.close();
    },
  };
}

