import { createMemoryPubSub } from './memory-pubsub.ts';
import { pubSubContract } from './pubsub.contract.ts';

pubSubContract('in-process', async () => createMemoryPubSub());
