export { createSetupService, type SetupService, type BootstrapResult } from './setup.service.ts';
export { setupRoutes } from './setup.routes.ts';
