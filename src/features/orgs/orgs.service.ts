import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { CacheStore } from '../../infra/cache/cache.ts';
import type { OrgRow } from '../../db/schema.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { deepMerge } from '../../lib/objects.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import * as repo from './orgs.repo.ts';
import type { CreateSubOrgInput, Org, OrgConfig, UpdateSubOrgInput } from './orgs.schemas.ts';

export const ORG_NOT_FOUND = 'Organization not found';

export function toOrg(row: OrgRow): Org {
  return {
    id: row.id,
    name: row.name,
    parent_id: row.parentId,
    logo_url: row.logoUrl,
    config: row.config as OrgConfig,
    monthly_token_budget: row.monthlyTokenBudget,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export type OrgsService = ReturnType<typeof createOrgsService>;

function patchOf(current: OrgRow, input: UpdateSubOrgInput) {
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.logo_url !== undefined && { logoUrl: input.logo_url }),
    ...(input.config !== undefined && { config: deepMerge(current.config, input.config as Record<string, unknown>) }),
    ...(input.monthly_token_budget !== undefined && { monthlyTokenBudget: input.monthly_token_budget }),
  };
}

const changedFields = (input: UpdateSubOrgInput) => Object.keys(input).filter((k) => input[k as keyof UpdateSubOrgInput] !== undefined);

export function createOrgsService(deps: { db: Db; events: EventLog; caches: CacheStore; cacheTtlMs?: number }) {
  const { db, events } = deps;
  const ttlMs = deps.cacheTtlMs ?? 0;
  // Read on every runtime call: the budget, and whether a key's org reaches another org.
  const budgets = deps.caches.cache<number | null>('org-budgets', { ttlMs });
  const reach = deps.caches.cache<boolean>('org-reach', { ttlMs });
  events.onChange(['org.updated'], (e) => budgets.delete(e.subject_id));
  // A whole subtree went: drop every cached fact rather than track which belonged to it.
  events.onChange(['org.deleted'], () => {
    budgets.clear();
    reach.clear();
  });
  return {
    async get(orgId: string): Promise<Org> {
      const row = await repo.findOrg(db, orgId);
      if (!row) throw notFound('Organization');
      return toOrg(row);
    },

    /** Creates an org (top-level when parentId is null). */
    async create(parentId: string | null, input: CreateSubOrgInput, actor: Actor = SYSTEM_ACTOR): Promise<Org> {
      return events.transaction(actor, async (tx, emit) => {
        if (parentId && !(await repo.findOrg(tx, parentId))) throw notFound('Parent organization');
        const row = await repo.insertOrg(tx, {
          id: newId('org'),
          parentId,
          name: input.name,
          logoUrl: input.logo_url ?? null,
          config: (input.config ?? {}) as Record<string, unknown>,
        });
        // A sub-org's creation is in its parent's log; a top-level org's in its own.
        emit({ type: 'org.created', orgId: parentId ?? row.id, subjectId: row.id, data: { org_id: row.id, parent_id: parentId, name: row.name } });
        return toOrg(row);
      });
    },

    async isEmpty(): Promise<boolean> {
      return (await repo.countOrgs(db)) === 0;
    },

    async listAll(): Promise<Org[]> {
      return (await repo.listOrgs(db)).map(toOrg);
    },

    async listChildren(parentId: string, q: PageQuery): Promise<Page<Org>> {
      const [rows, count] = await repo.listChildren(db, parentId, q);
      return { items: rows.map(toOrg), count, ...q };
    },

    async getChild(parentId: string, childId: string): Promise<Org> {
      const row = await repo.findChild(db, parentId, childId);
      if (!row) throw notFound('Organization');
      return toOrg(row);
    },

    /**
     * Updates an org the caller reaches (its own, or a descendant through its id). A sub-org's own
     * key cannot change its budget: the budget is how a parent caps what a sub-org spends.
     */
    async update(orgId: string, input: UpdateSubOrgInput, callerOrgId: string, actor: Actor = SYSTEM_ACTOR): Promise<Org> {
      return events.transaction(actor, async (tx, emit) => {
        const current = await repo.findOrg(tx, orgId);
        if (!current) throw notFound('Organization');
        if (input.monthly_token_budget !== undefined && orgId === callerOrgId && current.parentId) {
          throw badRequest(
            "monthly_token_budget: a sub-organization's budget can only be changed with a key of its parent organization",
          );
        }
        emit({ type: 'org.updated', orgId, subjectId: orgId, data: { org_id: orgId, changed: changedFields(input) } });
        return toOrg((await repo.updateOrg(tx, orgId, patchOf(current, input)))!);
      });
    },

    async updateChild(parentId: string, childId: string, input: UpdateSubOrgInput, actor: Actor = SYSTEM_ACTOR): Promise<Org> {
      return events.transaction(actor, async (tx, emit) => {
        const current = await repo.findChild(tx, parentId, childId);
        if (!current) throw notFound('Organization');
        emit({ type: 'org.updated', orgId: childId, subjectId: childId, data: { org_id: childId, changed: changedFields(input) } });
        return toOrg((await repo.updateChild(tx, parentId, childId, patchOf(current, input)))!);
      });
    },

    async budgetOf(orgId: string): Promise<number | null> {
      return budgets.getOrLoad(orgId, async () => (await repo.findOrg(db, orgId))?.monthlyTokenBudget ?? null);
    },

    /** Removes the sub-org with its whole subtree (sub-orgs, keys, assistants) atomically. */
    async deleteChild(parentId: string, childId: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      await events.transaction(actor, async (tx, emit) => {
        if (!(await repo.deleteChild(tx, parentId, childId))) throw notFound('Organization');
        // The sub-org's own log goes with it; its deletion is in the parent's.
        emit({ type: 'org.deleted', orgId: parentId, subjectId: childId, data: { org_id: childId } });
      });
    },

    /**
     * Resolves a path's `{org_id}`: `c` is the key's own org (never a sub-org); another id must
     * be the key's org or one of its descendants. Anything else answers like a missing org.
     */
    async resolveReach(keyOrgId: string, orgParam: string): Promise<string> {
      if (orgParam === 'c' || orgParam === keyOrgId) return keyOrgId;
      if (await reach.getOrLoad(`${keyOrgId}>${orgParam}`, () => repo.isWithin(db, keyOrgId, orgParam))) return orgParam;
      throw notFound('Organization');
    },
  };
}
