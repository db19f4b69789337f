import type { ApiKeysService } from '../api-keys/index.ts';
import { AppError } from '../../lib/errors.ts';
import type { AuthService, ClientMeta, StartedSession } from '../members/index.ts';
import type { OrgsService } from '../orgs/index.ts';
import type { SetupInput } from './setup.schemas.ts';

export const ALREADY_SET_UP = 'Parley is already set up: sign in, or ask an ADMIN for an invite';
export const WRONG_ADMIN_KEY = 'wrong admin key: use an admin API key of a top-level organization, such as the one printed at first start';

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

  // PGlite's advisory lock is one session shared by every request of the process (locks there are re-entrant),
  // so requests of this process also queue here; the advisory lock serialises separate processes on PostgreSQL.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(() => deps.withLock(fn));
    queue = run.catch(() => {});
    return run;
  };

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

    async needsSetup(): Promise<boolean> {
      return (await deps.auth.countUsers()) === 0;
    },

    /**
     * The dashboard's first run: while no user exists, whoever holds an admin key of a top-level org becomes its
     * ADMIN and is signed in. Under the bootstrap lock, so two racing requests create one owner and the other gets 409.
     */
    async setUp(input: SetupInput, meta: ClientMeta): Promise<StartedSession> {
      const userId = await serially(async () => {
        // Checked first: once set up, the endpoint tells nothing about keys.
        if ((await deps.auth.countUsers()) > 0) throw new AppError('conflict', ALREADY_SET_UP);
        const key = await deps.apiKeys.authenticate(input.admin_key);
        if (!key || key.scope !== 'admin') throw new AppError('unauthorized', WRONG_ADMIN_KEY);
        const org = await deps.orgs.get(key.orgId);
        if (org.parent_id !== null) throw new AppError('unauthorized', WRONG_ADMIN_KEY);
        const user = await deps.auth.createUser({ email: input.email, name: input.name, password: input.password, orgId: org.id, role: 'ADMIN' });
        return user.id;
      });
      return deps.auth.startSessionFor(userId, meta);
    },
  };
}
