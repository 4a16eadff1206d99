CREATE TABLE "findings" (
	"id" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"rule_id" text NOT NULL,
	"severity" text NOT NULL,
	"area" text NOT NULL,
	"cluster" text NOT NULL,
	"namespace" text,
	"subject" jsonb NOT NULL,
	"title" text NOT NULL,
	"message" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"status" text NOT NULL,
	"suppressed_by" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"flap_count" integer DEFAULT 0 NOT NULL,
	"quiet_period_seconds" integer,
	"last_signal_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "findings_fingerprint_unique" UNIQUE("fingerprint"),
	CONSTRAINT "findings_status_check" CHECK ("findings"."status" in ('open', 'acknowledged', 'resolved', 'suppressed')),
	CONSTRAINT "findings_severity_check" CHECK ("findings"."severity" in ('critical', 'high', 'medium', 'low', 'info'))
);
--> statement-breakpoint
CREATE TABLE "finding_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"finding_id" text NOT NULL,
	"signal_id" text,
	"kind" text NOT NULL,
	"actor" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "finding_events_signal_id_unique" UNIQUE("signal_id"),
	CONSTRAINT "finding_events_kind_check" CHECK ("finding_events"."kind" in ('opened', 'observed', 'resolved', 'reopened', 'acknowledged', 'suppressed', 'unsuppressed', 'notified', 'notify_failed', 'remediation_requested', 'remediation_planned', 'remediation_applied', 'remediation_failed', 'remediation_rejected'))
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"finding_id" text NOT NULL,
	"receiver" text NOT NULL,
	"kind" text NOT NULL,
	"job_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notifications_job_id_unique" UNIQUE("job_id"),
	CONSTRAINT "notifications_kind_check" CHECK ("notifications"."kind" in ('trigger', 'resolve', 'acknowledge')),
	CONSTRAINT "notifications_status_check" CHECK ("notifications"."status" in ('pending', 'sent', 'failed', 'dropped'))
);
--> statement-breakpoint
CREATE TABLE "remediations" (
	"id" text PRIMARY KEY NOT NULL,
	"finding_id" text NOT NULL,
	"playbook" text NOT NULL,
	"mode" text NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"diff" jsonb,
	"plan" jsonb,
	"result" jsonb,
	"error" text,
	"requested_by" text NOT NULL,
	"approved_by" text,
	"job_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "remediations_job_id_unique" UNIQUE("job_id"),
	CONSTRAINT "remediations_mode_check" CHECK ("remediations"."mode" in ('dry-run', 'approve', 'auto')),
	CONSTRAINT "remediations_status_check" CHECK ("remediations"."status" in ('requested', 'planned', 'awaiting_approval', 'approved', 'applying', 'succeeded', 'failed', 'rejected', 'expired', 'refused'))
);
--> statement-breakpoint
CREATE TABLE "silences" (
	"id" text PRIMARY KEY NOT NULL,
	"matchers" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"comment" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "api_tokens_role_check" CHECK ("api_tokens"."role" in ('viewer', 'operator', 'admin'))
);
--> statement-breakpoint
ALTER TABLE "finding_events" ADD CONSTRAINT "finding_events_finding_id_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_finding_id_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remediations" ADD CONSTRAINT "remediations_finding_id_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "findings_status_idx" ON "findings" USING btree ("status");--> statement-breakpoint
CREATE INDEX "findings_severity_idx" ON "findings" USING btree ("severity");--> statement-breakpoint
CREATE INDEX "findings_rule_id_idx" ON "findings" USING btree ("rule_id");--> statement-breakpoint
CREATE INDEX "findings_cluster_namespace_idx" ON "findings" USING btree ("cluster","namespace");--> statement-breakpoint
CREATE INDEX "findings_last_seen_idx" ON "findings" USING btree ("last_seen_at","id");--> statement-breakpoint
CREATE INDEX "findings_first_seen_idx" ON "findings" USING btree ("first_seen_at","id");--> statement-breakpoint
CREATE INDEX "findings_quiet_idx" ON "findings" USING btree ("last_seen_at") WHERE "findings"."quiet_period_seconds" is not null and "findings"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "finding_events_finding_at_idx" ON "finding_events" USING btree ("finding_id","at");--> statement-breakpoint
CREATE INDEX "notifications_finding_idx" ON "notifications" USING btree ("finding_id");--> statement-breakpoint
CREATE INDEX "remediations_finding_idx" ON "remediations" USING btree ("finding_id");--> statement-breakpoint
CREATE INDEX "remediations_status_idx" ON "remediations" USING btree ("status");--> statement-breakpoint
CREATE INDEX "silences_ends_at_idx" ON "silences" USING btree ("ends_at");