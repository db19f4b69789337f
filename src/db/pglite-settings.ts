/**
 * PostgreSQL settings of the embedded database, added to PGlite's own start parameters (by the
 * database thread, `pglite-worker.mjs`, and by the process that creates a new database).
 *
 * PostgreSQL's buffer cache lives inside PGlite's WebAssembly memory, which never shrinks. At
 * PostgreSQL's default (128 MB) it was the largest part of the embedded server's resident memory;
 * at 16 MB the database thread holds about 130 MB less. Pages that miss the cache are read from the
 * operating system's file cache (the data folder is a real folder), so knowledge search keeps its
 * speed (measured in docs/performance.md, Memory).
 */
export const PGLITE_MEMORY_SETTINGS: readonly string[] = ['-c', 'shared_buffers=16MB'];
