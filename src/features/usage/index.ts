export { createUsageMeter, createUsageService, type UsageEntry, type UsageMeter, type UsageService } from './usage.service.ts';
export { usageRoutes } from './usage.routes.ts';
