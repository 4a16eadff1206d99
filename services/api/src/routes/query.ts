import { ReadOnlySqlError, runReadOnlySql } from '@ztv/store';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { queryBody, queryResultSchema } from '../schemas/misc';

const statusOf: Record<ReadOnlySqlError['code'], number> = { empty: 400, syntax: 400, refused: 400, database: 400, timeout: 408, unavailable: 503 };
const codeOf: Record<ReadOnlySqlError['code'], string> = { empty: 'sql_empty', syntax: 'sql_syntax', refused: 'sql_refused', database: 'sql_error', timeout: 'sql_timeout', unavailable: 'unavailable' };

export function queryRoutes(deps: ApiDeps): AnyRoute[] {
  const { env } = deps;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/query',
      tag: 'sql',
      summary: 'Run one read-only SQL statement over the findings tables and views',
      description: `Runs as the ${env.API_SQL_ROLE} role (SELECT on findings, finding_events, notifications, remediations, silences and the views open_findings, finding_timeline, mttr_by_rule, posture_daily; nothing on api_tokens) in a READ ONLY transaction that is rolled back, with a statement timeout (${env.API_SQL_TIMEOUT_MS} ms, answered 408) and a row limit (${env.API_SQL_ROW_LIMIT}). Anything but one SELECT / WITH / VALUES / TABLE / EXPLAIN statement, and functions with side effects, are refused with 400 before anything runs.`,
      access: 'viewer',
      body: queryBody,
      response: queryResultSchema,
      errors: [408, 503],
      handler: async ({ body }) => {
        try {
          const result = await deps.sqlSlots.run(() =>
            runReadOnlySql(deps.store, body.sql, { rowLimit: env.API_SQL_ROW_LIMIT, timeoutMs: env.API_SQL_TIMEOUT_MS, role: env.API_SQL_ROLE }),
          );
          deps.metrics.sqlQueries.inc({ outcome: 'ok' });
          return { ...result, rowLimit: env.API_SQL_ROW_LIMIT };
        } catch (err) {
          if (!(err instanceof ReadOnlySqlError)) throw err;
          deps.metrics.sqlQueries.inc({ outcome: err.code });
          const details = { ...(err.context.sqlState ? { sqlState: err.context.sqlState } : {}), ...(err.context.position !== undefined ? { position: err.context.position } : {}) };
          throw new ApiError(statusOf[err.code], codeOf[err.code], err.message, Object.keys(details).length ? { details } : {}, { cause: err });
        }
      },
    }),
  ];
}
