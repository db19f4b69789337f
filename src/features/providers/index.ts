export { createProvidersService, type ProvidersService } from './providers.service.ts';
export { providersRoutes } from './providers.routes.ts';
