DROP INDEX "notifications_finding_idx";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "integration" text NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "integration_index" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "transition_seq" bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "enqueued_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "finding_events_person_idx" ON "finding_events" USING btree ("at") WHERE "finding_events"."actor" <> 'alerter';--> statement-breakpoint
CREATE INDEX "notifications_outbox_idx" ON "notifications" USING btree ("created_at") WHERE "notifications"."enqueued_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_finding_idx" ON "notifications" USING btree ("finding_id","receiver","transition_seq");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_integration_check" CHECK ("notifications"."integration" in ('slack', 'pagerduty', 'webhook', 'alertmanager'));