ALTER TABLE "chats" ADD COLUMN "channel" text DEFAULT 'API' NOT NULL;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "contact_channel_id" text;--> statement-breakpoint
ALTER TABLE "chats" ADD CONSTRAINT "chats_contact_channel_id_contact_channels_id_fk" FOREIGN KEY ("contact_channel_id") REFERENCES "public"."contact_channels"("id") ON DELETE set null ON UPDATE no action;