-- Per org, how many chunks hold each stem (document frequency), for knowledge search: counting a question's stems in
-- the chunks cost about 3 ms each at 100,000 chunks on every first-time question. The ingestion job adds its chunks'
-- stems in the transaction that writes them (it has analyzed the text already: src/features/knowledge/lexemes.ts);
-- a trigger subtracts the stems of deleted chunks, whatever deletes them (a re-sync, an item, a website's dropped
-- page, an assistant's or an org's deletion by cascade); a stem counted in no chunk keeps its row at 0 (the next item
-- to hold it updates it; the org's deletion removes them). Both take a transaction-scoped advisory lock on the org
-- first (key 1802398061, "knowledge_terms" in src/features/knowledge/knowledge.repo.ts), so two transactions writing
-- the same stems queue instead of deadlocking on their rows. Every item updates the rows of the stems it shares with
-- others: half of each page is left free so that an update can stay on its page without a new index entry (a HOT
-- update). Adding an item's ~2,000 stems costs about 20 ms on the embedded engine, 10 µs per stem.
CREATE TABLE "knowledge_terms" (
	"org_id" text NOT NULL,
	"lexeme" text NOT NULL,
	"chunks" integer NOT NULL,
	CONSTRAINT "knowledge_terms_org_id_lexeme_pk" PRIMARY KEY("org_id","lexeme")
) WITH (fillfactor = 50);
--> statement-breakpoint
ALTER TABLE "knowledge_terms" ADD CONSTRAINT "knowledge_terms_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE FUNCTION "knowledge_terms_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1802398061, hashtext(o)) FROM (SELECT DISTINCT org_id AS o FROM removed ORDER BY 1) s;
  UPDATE knowledge_terms t SET chunks = t.chunks - g.n
    FROM (SELECT c.org_id, u.lexeme, count(*)::int AS n FROM removed c, unnest(tsvector_to_array(c.tsv)) u(lexeme) GROUP BY 1, 2) g
    WHERE t.org_id = g.org_id AND t.lexeme = g.lexeme;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "knowledge_terms_removed" AFTER DELETE ON "knowledge_chunks"
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_terms_removed"();
--> statement-breakpoint
INSERT INTO "knowledge_terms" (org_id, lexeme, chunks)
  SELECT c.org_id, u.lexeme, count(*)::int FROM "knowledge_chunks" c, unnest(tsvector_to_array(c.tsv)) u(lexeme) GROUP BY 1, 2;
