DROP INDEX "notifications_outbox_idx";--> statement-breakpoint
CREATE INDEX "notifications_outbox_idx" ON "notifications" USING btree ("created_at") WHERE "notifications"."status" = 'pending' and "notifications"."attempts" = 0;--> statement-breakpoint
ALTER TABLE "notifications" DROP COLUMN "enqueued_at";