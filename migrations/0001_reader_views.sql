-- Read-only views for people and the ztv_reader role (DESIGN §5). Hand-written (drizzle-kit generate --custom):
-- drizzle-kit cannot express these queries. Typed declarations: shared/store/src/schema/views.ts (`.existing()`).
-- A later migration that changes a column used here must DROP and re-CREATE the affected view.
--
-- A finding's status after each status-changing event is a function of the event kind:
--   opened, reopened, unsuppressed -> open; acknowledged -> acknowledged; resolved -> resolved; suppressed -> suppressed
-- (a refire inside the flap window is recorded as 'reopened' with data.flapped = true).

CREATE VIEW "open_findings" AS
SELECT f."id", f."fingerprint", f."rule_id", f."severity", f."area", f."cluster", f."namespace", f."subject",
       f."title", f."message", f."status", f."first_seen_at", f."last_seen_at", f."acknowledged_at",
       f."occurrences", f."reopen_count",
       extract(epoch FROM now() - f."first_seen_at")::double precision AS "age_seconds"
FROM "findings" f
WHERE f."status" IN ('open', 'acknowledged');
--> statement-breakpoint

CREATE VIEW "finding_timeline" AS
SELECT e."id" AS "event_id", e."at", e."kind", e."actor", e."signal_id", e."data",
       f."id" AS "finding_id", f."fingerprint", f."rule_id", f."severity", f."cluster", f."namespace", f."title",
       f."status" AS "finding_status"
FROM "finding_events" e
JOIN "findings" f ON f."id" = e."finding_id";
--> statement-breakpoint

-- One row per rule with at least one resolved episode. An episode starts when a finding enters 'open' from a status
-- that is not live (none, resolved, suppressed) and ends at the next 'resolved' reached from open or acknowledged.
CREATE VIEW "mttr_by_rule" AS
WITH "changes" AS (
  SELECT e."finding_id", e."id", e."at",
         CASE e."kind"
           WHEN 'opened' THEN 'open' WHEN 'reopened' THEN 'open' WHEN 'unsuppressed' THEN 'open'
           WHEN 'acknowledged' THEN 'acknowledged' WHEN 'resolved' THEN 'resolved' WHEN 'suppressed' THEN 'suppressed'
         END AS "status"
  FROM "finding_events" e
  WHERE e."kind" IN ('opened', 'reopened', 'unsuppressed', 'acknowledged', 'resolved', 'suppressed')
), "ordered" AS (
  SELECT c.*, lag(c."status") OVER (PARTITION BY c."finding_id" ORDER BY c."at", c."id") AS "previous_status"
  FROM "changes" c
), "episodes" AS (
  SELECT o."finding_id", o."at", o."status", o."previous_status",
         max(o."at") FILTER (
           WHERE o."status" = 'open' AND coalesce(o."previous_status", 'none') NOT IN ('open', 'acknowledged')
         ) OVER (PARTITION BY o."finding_id" ORDER BY o."at", o."id" ROWS UNBOUNDED PRECEDING) AS "started_at"
  FROM "ordered" o
), "durations" AS (
  SELECT f."rule_id", extract(epoch FROM ep."at" - ep."started_at")::double precision AS "seconds"
  FROM "episodes" ep
  JOIN "findings" f ON f."id" = ep."finding_id"
  WHERE ep."status" = 'resolved' AND ep."previous_status" IN ('open', 'acknowledged') AND ep."started_at" IS NOT NULL
)
SELECT d."rule_id",
       count(*)::integer AS "resolved",
       avg(d."seconds")::double precision AS "avg_seconds",
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d."seconds") AS "median_seconds",
       percentile_cont(0.9) WITHIN GROUP (ORDER BY d."seconds") AS "p90_seconds"
FROM "durations" d
GROUP BY d."rule_id";
--> statement-breakpoint

-- One row per UTC day (from the first recorded event to today) and severity, zeros included, so a chart needs no
-- gap filling. Severity is the finding's current severity.
CREATE VIEW "posture_daily" AS
WITH "changes" AS (
  SELECT e."finding_id", f."severity", e."at",
         e."kind" IN ('opened', 'reopened', 'unsuppressed', 'acknowledged') AS "live",
         lead(e."at") OVER (PARTITION BY e."finding_id" ORDER BY e."at", e."id") AS "until"
  FROM "finding_events" e
  JOIN "findings" f ON f."id" = e."finding_id"
  WHERE e."kind" IN ('opened', 'reopened', 'unsuppressed', 'acknowledged', 'resolved', 'suppressed')
), "days" AS (
  SELECT d::date AS "day", (d + interval '1 day') AT TIME ZONE 'UTC' AS "day_end"
  FROM generate_series(
         (SELECT date_trunc('day', min(e."at") AT TIME ZONE 'UTC') FROM "finding_events" e),
         date_trunc('day', now() AT TIME ZONE 'UTC'),
         interval '1 day') AS d
), "severities" ("severity") AS (
  VALUES ('critical'), ('high'), ('medium'), ('low'), ('info')
), "daily" AS (
  SELECT (e."at" AT TIME ZONE 'UTC')::date AS "day", f."severity",
         count(*) FILTER (WHERE e."kind" IN ('opened', 'reopened')) AS "opened",
         count(*) FILTER (WHERE e."kind" = 'resolved') AS "resolved"
  FROM "finding_events" e
  JOIN "findings" f ON f."id" = e."finding_id"
  WHERE e."kind" IN ('opened', 'reopened', 'resolved')
  GROUP BY 1, 2
), "open_at_end" AS (
  SELECT d."day", c."severity", count(*) AS "open"
  FROM "days" d
  JOIN "changes" c ON c."live" AND c."at" < d."day_end" AND (c."until" IS NULL OR c."until" >= d."day_end")
  GROUP BY 1, 2
)
SELECT d."day", s."severity",
       coalesce(dl."opened", 0)::integer AS "opened",
       coalesce(dl."resolved", 0)::integer AS "resolved",
       coalesce(o."open", 0)::integer AS "open_at_end"
FROM "days" d
CROSS JOIN "severities" s
LEFT JOIN "daily" dl ON dl."day" = d."day" AND dl."severity" = s."severity"
LEFT JOIN "open_at_end" o ON o."day" = d."day" AND o."severity" = s."severity";
--> statement-breakpoint

-- ztv_reader: what the read-only SQL endpoint runs as. Roles are cluster-wide, so several databases (parallel test
-- runs, staging and production on one server) may race to create it: creation tolerates "already exists" in both
-- forms Postgres reports it. Where the migrating user may not create roles (a managed service without CREATEROLE),
-- the role and its grants are skipped with a NOTICE; create the role once by hand and re-run the grants below.
-- PGlite supports roles (it runs as a superuser), so the embedded store gets the same grants.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ztv_reader') THEN
    BEGIN
      CREATE ROLE ztv_reader NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN RAISE NOTICE 'ztv: cannot create role ztv_reader (%), skipping its grants', SQLERRM;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ztv_reader') THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ztv_reader', current_schema());
    -- Every table but api_tokens (token hashes), and every view. New tables need their own GRANT in their migration.
    GRANT SELECT ON "findings", "finding_events", "notifications", "remediations", "silences" TO ztv_reader;
    GRANT SELECT ON "open_findings", "finding_timeline", "mttr_by_rule", "posture_daily" TO ztv_reader;
    REVOKE ALL ON "api_tokens" FROM ztv_reader;
  END IF;
END
$$;
