import type { Command } from 'commander';
import type { Io } from '../io';
import { addApiOptions, ApiClient, type ApiOptions } from './api-client';
import { action, addOutputOption, exitCodesHelp, outputFormat, print } from './support';

interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  rowLimit: number;
  elapsedMs: number;
}

const cell = (v: unknown) => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function registerSql(program: Command, io: Io): void {
  addOutputOption(addApiOptions(program.command('sql').description('run one read-only SQL query over findings and their history (through the ztv API)').argument('<query>', 'one SELECT / WITH / VALUES / TABLE / EXPLAIN statement')))
    .addHelpText(
      'after',
      `
Runs as the ztv_reader role in a read-only transaction, with a statement timeout and a row limit. Tables: findings,
finding_events, notifications, remediations, silences; views: open_findings, finding_timeline, mttr_by_rule,
posture_daily. Writes, DDL, several statements and functions with side effects are refused.
  ztv sql "select rule_id, count(*) from open_findings group by 1 order by 2 desc"
${exitCodesHelp}`,
    )
    .action(
      action(io, async (query: string, opts: ApiOptions & { output: string }) => {
        const format = outputFormat(opts.output);
        const api = await ApiClient.fromOptions(opts);
        const r: QueryResult = await api.post('/api/v1/query', { sql: query });
        if (format === 'json') {
          const names = r.columns.map((c) => c.name);
          return void io.stdout(JSON.stringify(r.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]]))), null, 2));
        }
        print(io, 'table', r, { headers: r.columns.map((c) => c.name), rows: r.rows.map((row) => row.map(cell)), empty: '(no rows)', width: 80 });
        io.stderr(`${r.rowCount} row(s)${r.truncated ? `, cut at the row limit of ${r.rowLimit}` : ''}, ${r.elapsedMs} ms`);
      }),
    );
}
