-- The knowledge search's full-text index takes new entries into a pending list, which every search reads whole, and
-- merges it into its trees when the list passes gin_pending_list_limit (PostgreSQL's default: 4 MB), when (auto)vacuum
-- runs, or when Parley's upkeep asks (src/features/knowledge/search-index-upkeep.ts). At 256 kB an ingestion merges as
-- it goes, in small steps, and a search meanwhile reads at most 256 kB of pending entries. Embedded engine, 40 items of
-- 50 KB ingested while a customer chats, six alternating pairs: 0.33-0.39 -> 0.38-0.42 MB/s, the chat's p50 during the
-- ingestion 90-112 -> 67-96 ms and after it 28-32 -> 22-24 ms; on PostgreSQL no difference. Changed in place: the
-- index is not rebuilt.
ALTER INDEX "knowledge_chunks_tsv_idx" SET (gin_pending_list_limit = 256);
