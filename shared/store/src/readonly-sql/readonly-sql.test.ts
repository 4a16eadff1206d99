import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore, type EmbeddedStore } from '../client';
import { opts, signal } from '../contract/support';
import { applySignals } from '../findings/apply-signals';
import { migrate } from '../migrate';
import { createApiToken } from '../tokens/api-tokens';
import { ReadOnlySqlError } from './errors';
import { checkReadOnlySql } from './guard';
import { runReadOnlySql } from './runner';

const refusal = async (text: string) => {
  const err = await checkReadOnlySql(text).then(() => undefined, (e: unknown) => e);
  expect(err, text).toBeInstanceOf(ReadOnlySqlError);
  return err as ReadOnlySqlError;
};

describe('checkReadOnlySql', () => {
  it('accepts one SELECT, WITH, VALUES, TABLE or EXPLAIN, and cuts it out of the text exactly', async () => {
    expect(await checkReadOnlySql('  select 1 ;  ')).toEqual({ kind: 'select', text: 'select 1' });
    expect(await checkReadOnlySql('with x as (select 1) select * from x')).toMatchObject({ kind: 'select' });
    expect(await checkReadOnlySql('values (1), (2)')).toMatchObject({ kind: 'select' });
    expect(await checkReadOnlySql('table findings')).toMatchObject({ kind: 'select' });
    expect(await checkReadOnlySql('explain (format json) select * from findings')).toMatchObject({ kind: 'explain' });
    // Byte offsets, not UTF-16 ones: text after multi-byte characters is cut right.
    expect(await checkReadOnlySql("select 'ünïcødé ✓' as s;")).toEqual({ kind: 'select', text: "select 'ünïcødé ✓' as s" });
    expect(await checkReadOnlySql('select count(*) filter (where true), percentile_cont(0.5) within group (order by 1) from findings')).toMatchObject({ kind: 'select' });
  });

  it('refuses everything else, with the reason', async () => {
    expect(await refusal('')).toMatchObject({ code: 'empty' });
    expect(await refusal('/* only */ -- comments')).toMatchObject({ code: 'empty' });
    expect(await refusal('selct 1')).toMatchObject({ code: 'syntax', message: /syntax error at character 1/ });
    expect(await refusal('select 1; select 2')).toMatchObject({ code: 'refused', message: /found 2 statements/ });
    expect(await refusal('update findings set status = 1')).toMatchObject({ message: /UPDATE is not/ });
    expect(await refusal('create index on findings (id)')).toMatchObject({ message: /INDEX is not/ });
    expect(await refusal('select * from (select 1 from findings for no key update) x')).toMatchObject({ message: /FOR UPDATE/ });
    expect(await refusal('select "set_config"(\'role\', \'x\', false)')).toMatchObject({ message: /set_config/ });
    expect(await refusal('select * from findings where id = any(select lo_get(1)::text)')).toMatchObject({ message: /lo_get/ });
    expect(await refusal('select 1 from findings order by pg_advisory_xact_lock(1)')).toMatchObject({ message: /pg_advisory_xact_lock/ });
    expect(await refusal(`select ${'1,'.repeat(60_000)}1`)).toMatchObject({ code: 'refused', message: /longer than/ });
    expect(await checkReadOnlySql('select pg_sleep(1)')).toMatchObject({ kind: 'select' });
    await expect(checkReadOnlySql('select pg_sleep(1)', { extraDeniedFunctions: ['pg_sleep'] })).rejects.toMatchObject({ message: /pg_sleep/ });
  });
});

describe('runReadOnlySql on the embedded store (PGlite)', () => {
  let store: EmbeddedStore;
  beforeAll(async () => {
    store = await openEmbeddedStore();
    await migrate(store);
    await applySignals(store.db, [signal({ event: 'e1' }), signal({ event: 'e2', namespace: 'other' })], opts(0));
    await createApiToken(store.db, { name: 'x', role: 'admin' });
  }, 60_000);
  afterAll(() => store.close());
  const run = (text: string, rowLimit = 10) => runReadOnlySql(store, text, { rowLimit, timeoutMs: 1000 });

  it('runs as ztv_reader in a read-only transaction, with the row limit', async () => {
    const r = await run('select current_user, current_setting($$transaction_read_only$$) as ro, count(*)::int as n from findings');
    expect(r).toMatchObject({ columns: [{ name: 'current_user', type: 'name' }, { name: 'ro', type: 'text' }, { name: 'n', type: 'integer' }], rows: [['ztv_reader', 'on', 2]], truncated: false });
    const big = await run('select generate_series(1, 1000) as n, now() as at, 9007199254740993::bigint as b', 3);
    expect(big).toMatchObject({ rowCount: 3, truncated: true });
    expect(big.rows[2]![0]).toBe(3);
    expect(big.rows[0]![1]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(big.rows[0]![2]).toBe('9007199254740993');
    expect((await run('explain select * from findings')).columns[0]!.name).toBe('QUERY PLAN');
  });

  it('refuses token hashes, writes and sleeps, and the session stays clean afterwards', async () => {
    await expect(run('select * from api_tokens')).rejects.toMatchObject({ code: 'database', context: { sqlState: '42501' } });
    await expect(run('with d as (delete from findings returning 1) select * from d')).rejects.toMatchObject({ code: 'refused' });
    await expect(run('select pg_sleep(5)')).rejects.toMatchObject({ code: 'refused', message: /pg_sleep/ });
    await expect(run('select 1/0')).rejects.toMatchObject({ code: 'database', message: /division by zero/ });
    const [row] = (await store.client.query<{ who: string; ro: string }>("select current_user as who, current_setting('transaction_read_only') as ro")).rows;
    expect(row).toEqual({ who: 'postgres', ro: 'off' });
    expect((await store.client.query<{ n: number }>('select count(*)::int as n from findings')).rows[0]!.n).toBe(2);
  });
});
