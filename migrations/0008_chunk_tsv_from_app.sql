-- A chunk's tsvector is computed by Parley when it writes the chunk (src/features/knowledge/lexemes.ts, after
-- PostgreSQL's `english` configuration) instead of by a generated column: to_tsvector took about 17 ms per 50 KB of
-- text on the embedded engine's only connection, and questions are now analyzed the same way in the process.
-- Existing rows keep the tsvector PostgreSQL computed; both agree on ordinary words (re-sync an item to rewrite it).
ALTER TABLE "knowledge_chunks" ALTER COLUMN "tsv" DROP EXPRESSION;
