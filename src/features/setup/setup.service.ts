import type { ApiKeysService } from '../api-keys/index.ts';
import type { OrgsService } from '../orgs/index.ts';

export type BootstrapResult =
  | { created: false }
  | { created: true; orgId: string; keyId: string; /** present only when Parley generated the key */ secret?: string };

export type SetupService = ReturnType<typeof createSetupService>;

/**
 * First-start setup: with an empty database, create the "Default" org and an admin key.
 * Runs under an advisory lock so instances starting together create exactly one.
 */
export function createSetupService(deps: {
  orgs: OrgsService;
  apiKeys: ApiKeysService;
  withLock: <T>(fn: () => Promise<T>) => Promise<T>;
}) {
  return {
    async bootstrap(opts: { bootstrapKey?: string }): Promise<BootstrapResult> {
      return deps.withLock(async () => {
        if (!(await deps.orgs.isEmpty())) return { created: false };
        const org = await deps.orgs.create(null, { name: 'Default' });
        const key = await deps.apiKeys.create(org.id, { name: 'Bootstrap key', scope: 'admin' }, opts.bootstrapKey);
        return { created: true, orgId: org.id, keyId: key.id, secret: opts.bootstrapKey ? undefined : key.key };
      });
    },

    /** `default` means the oldest top-level org (the one bootstrap made). */
    async resolveOrgRef(ref: string): Promise<string> {
      if (ref !== 'default') return (await deps.orgs.get(ref)).id;
      const top = (await deps.orgs.listAll()).find((o) => o.parent_id === null);
      if (!top) throw new Error('there is no organization yet; run `parley start` once or `parley orgs create --name N`');
      return top.id;
    },
  };
}
