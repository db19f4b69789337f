import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const orgs = pgTable(
  'orgs',
  {
    id: text('id').primaryKey(),
    // Deleting an org removes its whole subtree in the same statement (ON DELETE CASCADE).
    parentId: text('parent_id').references((): AnyPgColumn => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    logoUrl: text('logo_url'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('orgs_parent_idx').on(t.parentId, t.createdAt)],
);

export const assistants = pgTable(
  'assistants',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    secretKey: text('secret_key'),
    avatarUrl: text('avatar_url'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    deletedAt: ts('deleted_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('assistants_org_live_idx').on(t.orgId, t.createdAt).where(sql`${t.deletedAt} is null`)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // SHA-256 (hex) of the full secret; the secret itself is never stored.
    keyHash: text('key_hash').notNull(),
    prefix: text('prefix').notNull(),
    scope: text('scope', { enum: ['admin', 'runtime'] }).notNull(),
    assistantId: text('assistant_id').references(() => assistants.id, { onDelete: 'cascade' }),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.keyHash), index('api_keys_org_idx').on(t.orgId, t.createdAt)],
);

export type OrgRow = typeof orgs.$inferSelect;
export type AssistantRow = typeof assistants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
