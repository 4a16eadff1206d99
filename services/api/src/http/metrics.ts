import { Counter, Histogram, type Registry } from 'prom-client';

/** The API's own metrics, added to the process registry. */
export function createHttpMetrics(registry: Registry) {
  return {
    registry,
    requests: new Counter({
      name: 'ztv_api_requests_total',
      help: 'API requests answered, by route, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'ztv_api_request_seconds',
      help: 'Time to answer an API request, by route and method',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    sqlQueries: new Counter({
      name: 'ztv_api_sql_queries_total',
      help: 'Read-only SQL queries, by outcome (ok, refused, syntax, timeout, database, unavailable, empty)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    mutations: new Counter({
      name: 'ztv_api_mutations_total',
      help: 'Changes made through the API, by action',
      labelNames: ['action'],
      registers: [registry],
    }),
  };
}
export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
