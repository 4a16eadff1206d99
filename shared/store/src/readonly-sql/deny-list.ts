/**
 * Functions a read-only query may not call, by name (any schema). The database is the first line of defence (a
 * read-only transaction as ztv_reader, which owns nothing and is granted only SELECT); this list refuses, before
 * anything runs, the functions that act outside the transaction, escape the role, run SQL of their own, or touch the
 * server's files and processes.
 */
export const deniedFunctions: ReadonlySet<string> = new Set([
  // Escape the role or change settings (set_config('role', ...) would undo SET LOCAL ROLE).
  'set_config',
  // Sequences change outside the transaction (refused in a read-only one anyway).
  'nextval',
  'setval',
  // Run SQL text of their own.
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'ts_stat',
  'ts_rewrite',
  // Other sessions and the server process.
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_switch_wal',
  'pg_promote',
  'pg_create_restore_point',
  'pg_log_backend_memory_contexts',
  'pg_import_system_collations',
  'pg_notify',
  'pg_current_xact_id',
  'txid_current',
  'pg_prewarm',
  'pg_stat_file',
  // Large objects live outside tables and outside ztv_reader's grants.
  'loread',
  'lowrite',
]);

/** Name prefixes of whole families of such functions. */
export const deniedFunctionPrefixes: readonly string[] = [
  'lo_',
  'dblink',
  'pg_advisory',
  'pg_try_advisory',
  'pg_read_',
  'pg_ls_',
  'pg_file_',
  'pg_create_',
  'pg_drop_',
  'pg_replication_',
  'pg_logical_',
  'pg_copy_',
  'pg_stat_reset',
  'pg_wal_replay',
  'pg_backup',
  'pg_start_backup',
  'pg_stop_backup',
];

/**
 * Refused only on the embedded store: PGlite runs in this process and does not enforce statement_timeout, so a sleep
 * would hold the whole process. On Postgres the statement timeout ends it.
 */
export const embeddedDeniedFunctions: readonly string[] = ['pg_sleep', 'pg_sleep_for', 'pg_sleep_until'];

export function isDeniedFunction(name: string, extra: readonly string[] = []): boolean {
  const n = name.toLowerCase();
  return deniedFunctions.has(n) || extra.includes(n) || deniedFunctionPrefixes.some((p) => n.startsWith(p));
}
