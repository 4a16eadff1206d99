import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);

/**
 * Every environment variable ztv reads, with its default. Nothing else in the code base reads `process.env`.
 */
export const envSchema = z.object({
  /** Name of the cluster this deployment watches; part of every key and fingerprint. */
  ZTV_CLUSTER: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a DNS-1123 name such as "prod-eu1"').default('default'),
  /** Prefix for every topic name (tests give each run its own). */
  ZTV_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"').default(''),
  /** Partitions per topic; all topics share it so they co-partition. */
  ZTV_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(6),
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: csv.pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1)).default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('ztv'),
  /** Replication factor for topics ztv creates (3 in production, 1 on a single broker). */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  DATABASE_URL: z.string().url('a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/ztv'),
  REDIS_URL: z.string().url('a redis:// URL').default('redis://127.0.0.1:6379'),
  /** Prefix for BullMQ queue names. */
  ZTV_QUEUE_PREFIX: z.string().default('ztv'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** OpenTelemetry is started only when this is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  /** Port of the ops endpoint every service serves: /healthz and /readyz (kubelet probes) and /metrics (Prometheus). */
  ZTV_OPS_PORT: port.default(9464),
  ZTV_OPS_HOST: z.string().default('0.0.0.0'),
  /** Bearer tokens accepted on /metrics (comma-separated); with none, every scrape is refused. */
  METRICS_TOKENS: csv.default([]),

  COLLECTOR_HOST: z.string().default('0.0.0.0'),
  COLLECTOR_PORT: port.default(8443),
  /** Bearer tokens accepted by the audit webhook and ingest endpoints (comma-separated). */
  COLLECTOR_TOKENS: csv.default([]),
  /** PEM file of the CA that signs client certificates accepted instead of a token (enables TLS). */
  COLLECTOR_CLIENT_CA_FILE: z.string().optional(),
  COLLECTOR_TLS_CERT_FILE: z.string().optional(),
  COLLECTOR_TLS_KEY_FILE: z.string().optional(),
  /** Largest request body accepted, bytes (default 10 MiB). */
  COLLECTOR_BODY_LIMIT: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),

  // ── Collector source modules (docs/collectors.md). Each can be turned on or off; a module that needs a
  // path or an address refuses to start, naming the variable, when it is on without one.
  /** POST /audit/webhook: the kube-apiserver audit webhook backend. */
  COLLECTOR_AUDIT_WEBHOOK_ENABLED: bool.default(true),
  /** Tail a kube-apiserver audit log file (JSON lines, rotation-aware); needs COLLECTOR_AUDIT_FILE_PATH. */
  COLLECTOR_AUDIT_FILE_ENABLED: bool.default(false),
  COLLECTOR_AUDIT_FILE_PATH: z.string().optional(),
  /** Kubernetes list+watch of every kind the rules read; on only when a kubeconfig (KUBECONFIG or in-cluster) answers. */
  COLLECTOR_KUBE_WATCH_ENABLED: bool.default(true),
  /** Kubeconfig file for the watchers; without it the pod's service account is used when running in a cluster. */
  KUBECONFIG: z.string().optional(),
  /** Set by Kubernetes in every pod: its presence means "in a cluster", so the service account is tried. */
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  /** Kinds to watch (e.g. "NetworkPolicy,Pod"); empty = every kind the rules read except Lease (see docs). */
  COLLECTOR_KUBE_KINDS: csv.default([]),
  /** Each watched kind is relisted this often (seconds) and differences are published: heals missed watch events. */
  COLLECTOR_KUBE_RESYNC_SECONDS: z.coerce.number().int().min(10).default(600),
  /** How often a kind whose CRD is not installed is looked for again (seconds). */
  COLLECTOR_KUBE_CRD_RECHECK_SECONDS: z.coerce.number().int().min(5).default(300),
  /** POST /flows/ndjson: Hubble or Envoy access-log JSON lines. */
  COLLECTOR_FLOW_NDJSON_ENABLED: bool.default(true),
  /** POST /v1/logs: OTLP/HTTP logs (JSON or protobuf) from Istio's OpenTelemetry access-log provider. */
  COLLECTOR_OTLP_LOGS_ENABLED: bool.default(true),
  /** Tail a Hubble flow-exporter file (JSON lines); needs COLLECTOR_HUBBLE_FILE_PATH. */
  COLLECTOR_HUBBLE_FILE_ENABLED: bool.default(false),
  COLLECTOR_HUBBLE_FILE_PATH: z.string().optional(),
  /** Stream flows from Hubble Relay's Observer API (GetFlows, follow); needs COLLECTOR_HUBBLE_RELAY_ADDRESS. */
  COLLECTOR_HUBBLE_RELAY_ENABLED: bool.default(false),
  /** host:port of Hubble Relay (hubble-relay.kube-system.svc:443 with TLS, :80 without). */
  COLLECTOR_HUBBLE_RELAY_ADDRESS: z.string().regex(/^[^\s]+:\d+$/, 'host:port').optional(),
  /** TLS to Relay: the CA that signs its certificate; with CERT/KEY also a client certificate (mTLS). Unset = plaintext. */
  COLLECTOR_HUBBLE_RELAY_CA_FILE: z.string().optional(),
  COLLECTOR_HUBBLE_RELAY_CERT_FILE: z.string().optional(),
  COLLECTOR_HUBBLE_RELAY_KEY_FILE: z.string().optional(),
  /** Name to verify Relay's certificate against (default: the host of the address). */
  COLLECTOR_HUBBLE_RELAY_SERVER_NAME: z.string().optional(),
  /** Identical flows (workloads, port, verdict, mTLS, ...) within this many seconds become one event with a count. */
  COLLECTOR_FLOW_WINDOW_SECONDS: z.coerce.number().min(0.1).max(300).default(10),
  /** Most distinct aggregates one flow source holds before it flushes early (bounds memory). */
  COLLECTOR_FLOW_MAX_AGGREGATES: z.coerce.number().int().min(10).default(10_000),
  /** POST /certs/envoy (Envoy /certs JSON) and POST /logs/spire (SPIRE / istio-agent log lines). */
  COLLECTOR_CERT_ENDPOINTS_ENABLED: bool.default(true),
  /** Tail a SPIRE server/agent or istio-agent log file; needs COLLECTOR_SPIRE_LOG_FILE_PATH. */
  COLLECTOR_SPIRE_LOG_FILE_ENABLED: bool.default(false),
  COLLECTOR_SPIRE_LOG_FILE_PATH: z.string().optional(),
  /** POST /clock/chrony: `chronyc tracking` output from the optional clock-probe DaemonSet. */
  COLLECTOR_CHRONY_ENDPOINT_ENABLED: bool.default(true),
  /** Poll node-exporter's timex metrics from an existing Prometheus; needs COLLECTOR_PROMETHEUS_URL. */
  COLLECTOR_PROMETHEUS_TIMEX_ENABLED: bool.default(false),
  /** Base URL of the Prometheus HTTP API (e.g. http://prometheus-operated.monitoring.svc:9090). */
  COLLECTOR_PROMETHEUS_URL: z.string().url().optional(),
  /** File holding a bearer token for Prometheus (e.g. behind kube-rbac-proxy); never logged. */
  COLLECTOR_PROMETHEUS_TOKEN_FILE: z.string().optional(),
  COLLECTOR_PROMETHEUS_INTERVAL_SECONDS: z.coerce.number().int().min(5).default(60),
  /** Where file tails keep their offsets (default <ZTV_DATA_DIR>/collector). */
  COLLECTOR_STATE_DIR: z.string().optional(),
  /** How often file tails look for new lines, rotation and truncation (ms). */
  COLLECTOR_FILE_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** A Kafka send not acknowledged within this many ms is answered 503 and later requests fail fast until it is. */
  COLLECTOR_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Retry-After (seconds) on a 503 while Kafka does not take events. */
  COLLECTOR_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
  /** Records of timed-out sends the collector remembers (to not produce them twice when the client retries). */
  COLLECTOR_MAX_IN_DOUBT_RECORDS: z.coerce.number().int().min(100).default(100_000),

  // ── Clock probe (the optional DaemonSet, services/collector/src/probe): posts `chronyc tracking` to the collector.
  /** The collector's base URL as seen from the node. */
  PROBE_COLLECTOR_URL: z.string().url().default('https://ztv-collector.ztv.svc:8443'),
  /** File with the bearer token the probe presents (a projected ServiceAccount token or a mounted Secret). */
  PROBE_TOKEN_FILE: z.string().optional(),
  /** The node this probe runs on (the downward API's spec.nodeName). */
  NODE_NAME: z.string().optional(),
  PROBE_INTERVAL_SECONDS: z.coerce.number().int().min(5).default(60),
  /** The chronyc binary (execFile'd with fixed arguments, never through a shell). */
  PROBE_CHRONYC_PATH: z.string().default('chronyc'),

  /** Consumer group ids. */
  RULE_WORKER_GROUP: z.string().default('ztv-rule-worker'),
  /** This replica's stable name (set from the pod name in deploy/); names the rule-worker's table reader group. */
  ZTV_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  ALERTER_GROUP: z.string().default('ztv-alerter'),
  /** A resolved finding that fires again within this many seconds flaps (stays one incident, no new page). */
  ALERTER_FLAP_WINDOW_SECONDS: z.coerce.number().int().min(0).default(900),
  /**
   * Seconds between the alerter's housekeeping passes: resolve event-based findings past their quiet period, apply
   * silences that started or ended, notify on what people did through the API, re-enqueue notifications that never
   * reached Redis.
   */
  ALERTER_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /**
   * Partitions of ztv.signals.v1 one alerter applies at once, so one batch's Postgres transaction overlaps another's
   * planning and Redis enqueue (bench:alerter measures both ways). A partition's batches stay in order, one at a
   * time; each batch in flight holds one of the pool's Postgres connections.
   */
  ALERTER_CONCURRENT_PARTITIONS: z.coerce.number().int().min(1).max(16).default(4),
  /** Path to the YAML config file (routing, rule thresholds, exceptions). */
  ZTV_CONFIG_FILE: z.string().optional(),

  /** Principals (usernames) allowed to delete or weaken security policies. */
  POLICY_ADMINS: csv.default([]),
  /** The mesh root namespace (mesh-wide PeerAuthentication / AuthorizationPolicy). */
  MESH_ROOT_NAMESPACE: z.string().default('istio-system'),
  /** Trust domains SPIFFE IDs may belong to. */
  TRUST_DOMAINS: csv.default(['cluster.local']),

  API_HOST: z.string().default('0.0.0.0'),
  API_PORT: port.default(8080),
  DASHBOARD_URL: z.string().url().default('http://127.0.0.1:8080'),
  /** Largest request body the API accepts, bytes (default 1 MiB). */
  API_BODY_LIMIT: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** POST /api/v1/query: statement timeout in milliseconds (answered 408 past it). */
  API_SQL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** POST /api/v1/query: most rows returned; the response says when a result was cut. */
  API_SQL_ROW_LIMIT: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** POST /api/v1/query: queries run at once (each holds a database connection); more wait their turn. */
  API_SQL_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** The role read-only queries run as; the API's database user must be a member (GRANT ztv_reader TO <user>). */
  API_SQL_ROLE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case role name').default('ztv_reader'),
  /** `ztv` CLI: base URL of the API that findings/silence/remediate/sql talk to. */
  ZTV_API_URL: z.string().url('an http(s):// URL').default('http://127.0.0.1:8080'),
  /** `ztv` CLI: the API token it sends (create one with `ztv token create`). */
  ZTV_API_TOKEN: z.string().optional(),
  ZTV_DATA_DIR: z.string().default('.ztv'),
  OTEL_ENABLED: bool.default(false),

  /**
   * Remediation kill switch: `false` stops every change to the cluster at once (plans and dry runs still run and are
   * recorded; nothing is applied). Applies are allowed only when this and the config file's `remediation.enabled` are on.
   */
  REMEDIATION_ENABLED: bool.default(true),
  /** Remediation jobs one remediator process runs at a time. */
  REMEDIATION_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Each Kubernetes API call of a playbook is abandoned after this many milliseconds (then retried by the job). */
  REMEDIATION_KUBE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

export type Env = z.infer<typeof envSchema>;
