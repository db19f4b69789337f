import type { ApiKeysService } from '../api-keys/index.ts';
import type { AuthService } from '../members/index.ts';
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
  auth: AuthService;
  withLock: <T>(fn: () => Promise<T>) => Promise<T>;
}) {
  /** `default` means the oldest top-level org (the one bootstrap made). */
  async function resolveOrgRef(ref: string): Promise<string> {
    if (ref !== 'default') return (await deps.orgs.get(ref)).id;
    const top = (await deps.orgs.listAll()).find((o) => o.parent_id === null);
    if (!top) throw new Error('there is no organization yet; run `parley start` once or `parley orgs create --name N`');
    return top.id;
  }

  return {
    async bootstrap(opts: { bootstrapKey?: string }): Promise<BootstrapResult> {
      return deps.withLock(async () => {
        if (!(await deps.orgs.isEmpty())) return { created: false };
        const org = await deps.orgs.create(null, { name: 'Default' });
        const key = await deps.apiKeys.create(org.id, { name: 'Bootstrap key', scope: 'admin' }, opts.bootstrapKey);
        return { created: true, orgId: org.id, keyId: key.id, secret: opts.bootstrapKey ? undefined : key.key };
      });
    },

    /**
     * With PARLEY_BOOTSTRAP_EMAIL/PASSWORD: while the instance has no user at all, create that one as ADMIN of
     * the default org (so it also works on an instance that predates users). Returns the user id, or null.
     */
    async bootstrapUser(opts: { email: string; password: string }): Promise<string | null> {
      return deps.withLock(async () => {
        if ((await deps.auth.countUsers()) > 0) return null;
        const orgId = await resolveOrgRef('default');
        const user = await deps.auth.createUser({ email: opts.email, name: opts.email.split('@')[0]!, password: opts.password, orgId, role: 'ADMIN' });
        return user.id;
      });
    },

    resolveOrgRef,
  };
}
