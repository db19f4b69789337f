export { createApiKeysService, type ApiKeysService } from './api-keys.service.ts';
export { apiKeysRoutes } from './api-keys.routes.ts';
export { generateSecret, looksLikeSecret } from './api-key-secret.ts';
export type { ApiKey, CreatedApiKey } from './api-keys.schemas.ts';
