ALTER TABLE "chats" DROP CONSTRAINT "chats_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_chat_id_chats_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_org_id_orgs_id_fk";
