import { apiKeysRoutes } from '../features/api-keys/index.ts';
import { assistantsRoutes } from '../features/assistants/index.ts';
import { docsRoutes, type DocPage } from '../features/docs/index.ts';
import { healthRoutes } from '../features/health/index.ts';
import { orgsRoutes } from '../features/orgs/index.ts';
import type { RouteDef } from '../http/define-route.ts';
import type { Deps } from './deps.ts';

/** The route table: every HTTP operation Parley serves, as data. */
export function routeTable(deps: Deps, docs: { pages: DocPage[]; openapi: () => unknown }): RouteDef[] {
  return [
    ...healthRoutes({ ping: () => deps.database.ping() }),
    ...orgsRoutes(deps.orgs),
    ...apiKeysRoutes(deps.apiKeys),
    ...assistantsRoutes(deps.assistants, { createLimitPerHour: deps.config.assistantCreateLimitPerHour }),
    ...docsRoutes({ ...docs, publicUrl: deps.config.publicUrl }),
  ];
}
