CREATE TABLE "chat_memories" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"summary" text NOT NULL,
	"key_points" jsonb NOT NULL,
	"message_count" integer NOT NULL,
	"model" text NOT NULL,
	"summarized_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "csat_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "memorized_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "channel" text DEFAULT 'API' NOT NULL;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "contact_channel_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "kind" text;--> statement-breakpoint
ALTER TABLE "chat_memories" ADD CONSTRAINT "chat_memories_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chat_memories_chat_count_idx" ON "chat_memories" USING btree ("chat_id","message_count");--> statement-breakpoint
CREATE INDEX "chat_memories_org_idx" ON "chat_memories" USING btree ("org_id");--> statement-breakpoint
ALTER TABLE "chats" ADD CONSTRAINT "chats_contact_channel_id_contact_channels_id_fk" FOREIGN KEY ("contact_channel_id") REFERENCES "public"."contact_channels"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "chats_open_activity_idx" ON "chats" USING btree ("assistant_id","last_message_at") WHERE "chats"."state" = 'OPEN';--> statement-breakpoint
CREATE INDEX "chats_snoozed_idx" ON "chats" USING btree ("snoozed_until") WHERE "chats"."state" = 'SNOOZED';