export { createKnowledgeService, type KnowledgeService } from './knowledge.service.ts';
export { knowledgeRoutes } from './knowledge.routes.ts';
export { knowledgeJobCatalog, knowledgeJobHandlers } from './knowledge.jobs.ts';
export { createTextIndexer } from './extract/index-thread.ts';
export { createRetriever, type Retriever, type Scope } from './retrieval.ts';
export { createSearchIndexUpkeep, type SearchIndexUpkeep } from './search-index-upkeep.ts';
