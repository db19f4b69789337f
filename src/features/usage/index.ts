export { createUsageService, type UsageService, type UsageEntry } from './usage.service.ts';
export { usageRoutes } from './usage.routes.ts';
