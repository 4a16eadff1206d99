import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFindings, startApiHarness, type ApiHarness } from './api-harness';

// Every hostile statement is refused (400) or cancelled (408) and nothing changes: counts, roles and the session are
// checked after the whole suite.
const hostile: [name: string, query: string, status: number, error: string, message?: RegExp][] = [
  ['INSERT', "insert into silences (id, matchers, starts_at, ends_at, created_by, comment) values ('s', '[]', now(), now(), 'x', 'x')", 400, 'sql_refused', /INSERT is not/],
  ['UPDATE', "update findings set status = 'resolved'", 400, 'sql_refused', /UPDATE is not/],
  ['DELETE', 'delete from findings', 400, 'sql_refused', /DELETE is not/],
  ['DROP', 'drop table findings', 400, 'sql_refused', /DROP is not/],
  ['CREATE', 'create table stolen (a int)', 400, 'sql_refused', /CREATE TABLE is not/],
  ['ALTER', 'alter table findings add column pwned int', 400, 'sql_refused', /ALTER TABLE is not/],
  ['TRUNCATE', 'truncate findings', 400, 'sql_refused', /TRUNCATE is not/],
  ['GRANT', 'grant all on findings to public', 400, 'sql_refused', /GRANT/],
  ['GRANT role', 'grant postgres to ztv_reader', 400, 'sql_refused', /GRANT/],
  ['COPY TO PROGRAM', "copy findings to program 'touch /tmp/ztv-pwned'", 400, 'sql_refused', /COPY is not/],
  ['COPY (query) TO STDOUT', 'copy (select 1) to stdout', 400, 'sql_refused', /COPY is not/],
  ['two statements', 'select 1; drop table findings', 400, 'sql_refused', /found 2 statements/],
  ['a block comment hiding nothing, then a second statement', 'select 1 /* ; */ ; delete from findings --', 400, 'sql_refused', /found 2 statements/],
  ['a line comment before a second statement', 'select 1 -- harmless\n; delete from findings', 400, 'sql_refused', /found 2 statements/],
  ['SET ROLE', 'set role postgres', 400, 'sql_refused', /SET \/ RESET is not/],
  ['RESET ROLE', 'reset role', 400, 'sql_refused', /SET \/ RESET/],
  ['SET SESSION AUTHORIZATION', 'set session authorization postgres', 400, 'sql_refused', /SET \/ RESET/],
  ['set_config(role)', "select set_config('role', 'postgres', false)", 400, 'sql_refused', /set_config\(\) is not allowed/],
  ['set_config(read only off)', "select set_config('transaction_read_only', 'off', true)", 400, 'sql_refused', /set_config/],
  ['DO', 'do $$ begin delete from findings; end $$', 400, 'sql_refused', /DO is not/],
  ['CALL', 'call pwn()', 400, 'sql_refused', /CALL is not/],
  ['LISTEN', 'listen ztv', 400, 'sql_refused', /LISTEN is not/],
  ['NOTIFY', "notify ztv, 'x'", 400, 'sql_refused', /NOTIFY is not/],
  ['pg_notify()', "select pg_notify('ztv', 'x')", 400, 'sql_refused', /pg_notify/],
  ['lo_import()', "select lo_import('/etc/passwd')", 400, 'sql_refused', /lo_import/],
  ['lo_export() in FROM', "select * from lo_export(1, '/tmp/x')", 400, 'sql_refused', /lo_export/],
  ['pg_read_file()', "select pg_read_file('/etc/passwd')", 400, 'sql_refused', /pg_read_file/],
  ['schema-qualified pg_terminate_backend()', 'select pg_catalog.pg_terminate_backend(pg_backend_pid())', 400, 'sql_refused', /pg_terminate_backend/],
  ['pg_cancel_backend() in a sub-select', 'select (select pg_cancel_backend(1))', 400, 'sql_refused', /pg_cancel_backend/],
  ['advisory lock', 'select pg_advisory_lock(42)', 400, 'sql_refused', /pg_advisory_lock/],
  ['dblink()', "select * from dblink('dbname=postgres', 'select 1') as t(a int)", 400, 'sql_refused', /dblink/],
  ['query_to_xml() runs SQL of its own', "select query_to_xml('delete from findings returning id', true, true, '')", 400, 'sql_refused', /query_to_xml/],
  ['BEGIN; ...', 'begin; delete from findings; commit', 400, 'sql_refused', /found 3 statements/],
  ['BEGIN alone', 'begin', 400, 'sql_refused', /BEGIN \/ COMMIT/],
  ['COMMIT', 'commit', 400, 'sql_refused', /BEGIN \/ COMMIT/],
  ['writable CTE', 'with x as (delete from findings returning *) select * from x', 400, 'sql_refused', /DELETE \(here inside the query\)/],
  ['writable CTE, nested', 'select * from (with x as (update findings set status = \'open\' returning 1) select * from x) y', 400, 'sql_refused', /UPDATE/],
  ['SELECT ... FOR UPDATE', 'select * from findings for update', 400, 'sql_refused', /FOR UPDATE/],
  ['SELECT ... FOR SHARE in a sub-select', 'select * from (select id from findings for share) f', 400, 'sql_refused', /FOR UPDATE \/ FOR SHARE/],
  ['SELECT INTO', 'select * into stolen from findings', 400, 'sql_refused', /SELECT … INTO/],
  ['PREPARE', 'prepare p as select 1', 400, 'sql_refused', /PREPARE is not/],
  ['EXECUTE', 'execute p', 400, 'sql_refused', /EXECUTE is not/],
  ['DECLARE', 'declare c cursor for select 1', 400, 'sql_refused', /DECLARE is not/],
  ['nextval()', "select nextval('finding_events_id_seq')", 400, 'sql_refused', /nextval/],
  ['setval()', "select setval('finding_events_id_seq', 1)", 400, 'sql_refused', /setval/],
  ['EXPLAIN ANALYZE DELETE', 'explain analyze delete from findings', 400, 'sql_refused', /EXPLAIN of DELETE/],
  ['VACUUM', 'vacuum findings', 400, 'sql_refused', /VACUUM/],
  ['LOCK', 'lock table findings', 400, 'sql_refused', /LOCK is not/],
  ['api_tokens is not readable', 'select * from api_tokens', 400, 'sql_error', /permission denied for table api_tokens/],
  ['api_tokens through a sub-select', 'select count(*) from (select token_hash from api_tokens) t', 400, 'sql_error', /permission denied/],
  ['a syntax error', 'selec 1', 400, 'sql_syntax', /syntax error at character 1/],
  ['only a comment', '-- nothing here', 400, 'sql_empty', /empty/],
  ['pg_sleep() runs into the statement timeout', 'select pg_sleep(100)', 408, 'sql_timeout', /statement timeout of 1500 ms/],
];

describe('POST /api/v1/query against hostile SQL', () => {
  let h: ApiHarness;
  let before: Record<string, number>;
  const snapshot = async () => {
    const { rows } = await h.store.pool.query<Record<string, number>>(
      `select (select count(*) from findings)::int as findings, (select count(*) from finding_events)::int as events,
              (select count(*) from api_tokens)::int as tokens, (select count(*) from silences)::int as silences,
              (select count(*) from remediations)::int as remediations,
              (select count(*) from pg_tables where schemaname = 'public')::int as tables,
              (select count(*) from pg_roles where rolname = 'ztv_reader' and not rolsuper)::int as reader`,
    );
    return rows[0]!;
  };

  beforeAll(async () => {
    h = await startApiHarness();
    await seedFindings(h);
    before = await snapshot();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(hostile)('refuses %s', async (_name, query, status, error, message) => {
    const res = await h.call('POST', '/api/v1/query', { token: h.tokens.viewer, body: { sql: query } });
    expect(res.body).toMatchObject({ error });
    expect(res.status).toBe(status);
    if (message) expect(res.body.message).toMatch(message);
  });

  it('changed nothing: counts, tables, the reader role; and the API still answers queries as ztv_reader', async () => {
    expect(await snapshot()).toEqual(before);
    const res = await h.call('POST', '/api/v1/query', { token: h.tokens.viewer, body: { sql: 'select current_user as who, count(*)::int as n from findings' } });
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([['ztv_reader', before.findings]]);
    const [row] = (await h.store.db.execute(sql`select current_user as who`)).rows as { who: string }[];
    expect(row?.who).not.toBe('ztv_reader');
  });

  it('answers read-only queries: views, EXPLAIN, a dollar-quoted "statement" that is only a string, non-ASCII text', async () => {
    const views = await h.call('POST', '/api/v1/query', { token: h.tokens.viewer, body: { sql: 'select rule_id, severity from open_findings order by severity, rule_id' } });
    expect(views.status).toBe(200);
    expect(views.body.columns).toEqual([{ name: 'rule_id', type: 'text' }, { name: 'severity', type: 'text' }]);
    expect(views.body.rowCount).toBe(5);

    const explain = await h.call('POST', '/api/v1/query', { token: h.tokens.viewer, body: { sql: 'explain select * from findings' } });
    expect(explain.status).toBe(200);
    expect(explain.body.columns[0].name).toBe('QUERY PLAN');

    const quoted = await h.call('POST', '/api/v1/query', { token: h.tokens.viewer, body: { sql: 'select $$; drop table findings; $$ as s;' } });
    expect(quoted.status).toBe(200);
    expect(quoted.body.rows).toEqual([['; drop table findings; ']]);

    const unicode = await h.call('POST', '/api/v1/query', { token: h.tokens.viewer, body: { sql: "select 'zéro-trust ✓' as t, now() as at" } });
    expect(unicode.status).toBe(200);
    expect(unicode.body.rows[0][0]).toBe('zéro-trust ✓');
    expect(unicode.body.columns[1].type).toBe('timestamptz');
    expect(await snapshot()).toEqual(before);
  });

  it('cuts a huge result at the row limit without computing it whole', async () => {
    const started = Date.now();
    const res = await h.call('POST', '/api/v1/query', { token: h.tokens.viewer, body: { sql: 'select generate_series(1, 50000000) as n' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowCount: 100, truncated: true, rowLimit: 100 });
    expect(res.body.rows.at(-1)).toEqual([100]);
    // 50 million rows would take far longer than the 1.5 s statement timeout to produce.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
