import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { orgs, providerCredentials, type ProviderCredentialRow } from '../../db/schema.ts';

type Provider = ProviderCredentialRow['provider'];

export async function listCredentials(db: DbOrTx, orgId: string): Promise<ProviderCredentialRow[]> {
  return db.select().from(providerCredentials).where(eq(providerCredentials.orgId, orgId)).orderBy(providerCredentials.provider);
}

export async function findCredential(db: DbOrTx, orgId: string, provider: Provider): Promise<ProviderCredentialRow | undefined> {
  const [row] = await db
    .select()
    .from(providerCredentials)
    .where(and(eq(providerCredentials.orgId, orgId), eq(providerCredentials.provider, provider)))
    .limit(1);
  return row;
}

export async function upsertCredential(db: DbOrTx, row: typeof providerCredentials.$inferInsert): Promise<ProviderCredentialRow> {
  const [saved] = await db
    .insert(providerCredentials)
    .values(row)
    .onConflictDoUpdate({
      target: [providerCredentials.orgId, providerCredentials.provider],
      set: { apiKeyEncrypted: row.apiKeyEncrypted, apiKeyHint: row.apiKeyHint, baseUrl: row.baseUrl, updatedAt: new Date() },
    })
    .returning();
  return saved!;
}

export async function deleteCredential(db: DbOrTx, orgId: string, provider: Provider): Promise<boolean> {
  const rows = await db
    .delete(providerCredentials)
    .where(and(eq(providerCredentials.orgId, orgId), eq(providerCredentials.provider, provider)))
    .returning({ orgId: providerCredentials.orgId });
  return rows.length > 0;
}

/** The org's own credential for a provider, else the nearest ancestor's (agencies share theirs). */
export async function nearestCredential(db: DbOrTx, orgId: string, provider: Provider): Promise<ProviderCredentialRow | undefined> {
  const result = await db.execute<Record<string, unknown>>(sql`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from ${orgs} where id = ${orgId}
      union all
      select o.id, o.parent_id, up.depth + 1 from ${orgs} o join up on o.id = up.parent_id where up.depth < 32
    )
    select pc.org_id, pc.api_key_encrypted, pc.base_url, pc.updated_at from up
    join ${providerCredentials} pc on pc.org_id = up.id and pc.provider = ${provider}
    order by up.depth limit 1`);
  const row = (result as unknown as { rows: Array<Record<string, unknown>> }).rows[0];
  if (!row) return undefined;
  return {
    orgId: String(row.org_id),
    provider,
    apiKeyEncrypted: (row.api_key_encrypted as string | null) ?? null,
    apiKeyHint: null,
    baseUrl: (row.base_url as string | null) ?? null,
    createdAt: new Date(String(row.updated_at)),
    updatedAt: new Date(String(row.updated_at)),
  };
}
