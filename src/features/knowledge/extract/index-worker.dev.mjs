// The indexing thread when Parley runs from its TypeScript sources (the test suite, `npm run` scripts through tsx):
// registers tsx's loader on this thread, then runs the worker. A built server (`parley start`) runs
// dist/server/<build>/index-worker.mjs instead, which needs no loader (scripts/server-build.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./index-worker.ts');
