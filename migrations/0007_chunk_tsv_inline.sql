-- A chunk's tsvector is read for every candidate of a search (matched, then scored against each word of the
-- question). Left to PostgreSQL's default (EXTENDED) it was the column moved out of line once a row passed ~2 KB,
-- so each reading fetched and reassembled TOAST pages: at 100,000 chunks a search read ~16 buffers per candidate.
-- MAIN keeps it in the row (compressed if need be); the chunk's text, read only for the few results, goes out of
-- line instead. Applies to rows written from now on; older rows move as their items are re-synced.
ALTER TABLE "knowledge_chunks" ALTER COLUMN "tsv" SET STORAGE MAIN;
