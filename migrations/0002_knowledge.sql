CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_chunks" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"content_id" text NOT NULL,
	"root_id" text NOT NULL,
	"assistant_id" text,
	"chunk_index" integer NOT NULL,
	"title" text NOT NULL,
	"heading_path" jsonb NOT NULL,
	"text" text NOT NULL,
	"url" text,
	"page" integer,
	"char_start" integer NOT NULL,
	"char_end" integer NOT NULL,
	"tokens" integer NOT NULL,
	"tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', title || ' ' || heading_path::text), 'A') || setweight(to_tsvector('english', text), 'B')) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_contents" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"assistant_id" text,
	"parent_id" text,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"source" jsonb NOT NULL,
	"text" text,
	"url" text,
	"size" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"chunks_count" integer DEFAULT 0 NOT NULL,
	"chunks_processed" integer DEFAULT 0 NOT NULL,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_files" (
	"content_id" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_content_id_knowledge_contents_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."knowledge_contents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_contents" ADD CONSTRAINT "knowledge_contents_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_contents" ADD CONSTRAINT "knowledge_contents_assistant_id_assistants_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_contents" ADD CONSTRAINT "knowledge_contents_parent_id_knowledge_contents_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."knowledge_contents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_files" ADD CONSTRAINT "knowledge_files_content_id_knowledge_contents_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."knowledge_contents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("status","run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_dedupe_idx" ON "jobs" USING btree ("dedupe_key") WHERE "jobs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "knowledge_chunks_content_idx" ON "knowledge_chunks" USING btree ("content_id","chunk_index");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_org_idx" ON "knowledge_chunks" USING btree ("org_id","assistant_id");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_tsv_idx" ON "knowledge_chunks" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "knowledge_contents_org_idx" ON "knowledge_contents" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "knowledge_contents_parent_idx" ON "knowledge_contents" USING btree ("parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_contents_page_idx" ON "knowledge_contents" USING btree ("parent_id","url");--> statement-breakpoint
-- Embeddings need pgvector: bundled with PGlite, optional on PostgreSQL. Without it the column is
-- absent and retrieval is keyword-only (Parley warns at start). Not in schema.ts on purpose.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS vector;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pgvector is not available: knowledge search will be keyword-only';
END $$;--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    ALTER TABLE "knowledge_chunks" ADD COLUMN "embedding" vector;
    ALTER TABLE "knowledge_chunks" ADD COLUMN "embedding_model" text;
  END IF;
END $$;
