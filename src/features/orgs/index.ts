export { createOrgsService, type OrgsService } from './orgs.service.ts';
export { orgsRoutes } from './orgs.routes.ts';
export type { Org } from './orgs.schemas.ts';
