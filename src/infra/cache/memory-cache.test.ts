import { cacheContract } from './cache.contract.ts';
import { createMemoryCacheStore } from './memory-cache.ts';

cacheContract('in-process', createMemoryCacheStore);
