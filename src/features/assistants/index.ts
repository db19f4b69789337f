export { createAssistantsService, type AssistantsService } from './assistants.service.ts';
export { assistantsRoutes } from './assistants.routes.ts';
export type { Assistant, AssistantConfig } from './assistants.schemas.ts';
