-- ztv_reader may read every table but api_tokens (0001_reader_views): notification_groups too. Hand-written
-- (drizzle-kit generate --custom); skipped, as in 0001, where the role does not exist.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ztv_reader') THEN
    GRANT SELECT ON "notification_groups" TO ztv_reader;
  END IF;
END
$$;
