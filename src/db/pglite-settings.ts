/**
 * PostgreSQL settings of the embedded database, added to PGlite's own start parameters (by the
 * database thread, `pglite-worker.mjs`, and by the process that creates a new database).
 *
 * PostgreSQL's buffer cache lives inside PGlite's WebAssembly memory, which is touched in full at
 * start and never shrinks: at PostgreSQL's default (128 MB) it was the largest part of the embedded
 * server's resident memory. 32 MB holds about 110 MB less. Pages that miss it are read from the
 * operating system's file cache (the data folder is a real folder): on 10,000 chunks, knowledge
 * search measured as fast at 32 MB as at 128 MB, while 16 MB made it about twice as slow
 * (`scripts/search-buffers.ts`; figures in docs/performance.md, Memory).
 */
export const PGLITE_MEMORY_SETTINGS: readonly string[] = ['-c', 'shared_buffers=32MB'];
