CREATE TABLE "notification_groups" (
	"key" text PRIMARY KEY NOT NULL,
	"receiver" text NOT NULL,
	"integration" text NOT NULL,
	"integration_index" integer NOT NULL,
	"route" text NOT NULL,
	"labels" jsonb NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"last_flushed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_groups_integration_check" CHECK ("notification_groups"."integration" in ('slack', 'pagerduty', 'webhook', 'alertmanager'))
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "repeat" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "group_key" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "group_seq" integer;--> statement-breakpoint
CREATE INDEX "notifications_group_idx" ON "notifications" USING btree ("group_key","group_seq") WHERE "notifications"."group_key" is not null;