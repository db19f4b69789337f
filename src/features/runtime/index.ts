export { createRuntimeService, type RuntimeService, type KnowledgeRetriever } from './runtime.service.ts';
export { runtimeRoutes } from './runtime.routes.ts';
export type { Passage } from './prompt.ts';
export { StreamEventSchema } from './runtime.schemas.ts';
