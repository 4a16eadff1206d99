import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ztvEvent } from '@ztv/events';
import { parseAuditEvent } from './audit/parse-audit';
import { parseEnvoyAccessLog } from './envoy/access-log';
import { parseEnvoyCerts } from './envoy/certs';
import { parseStream } from './engine/parse-stream';
import { parseText } from './engine/parse-text';
import { FormatError } from './errors';
import { parseHubbleFlow } from './hubble/parse-flow';
import { parseKubeObject } from './kube/parse-object';
import { ctx, local } from './test-support/fixtures';
import { formatIds, type FormatId, type ParseItem, type ParseResult } from './types';
import { parseSpiffeBundle } from './x509/spiffe-bundle';

/** One real sample per format: the seed the mutation properties start from. */
const seeds: Record<FormatId, string> = {
  'k8s-audit': 'k8s-audit/audit2rbac-demo.log',
  'k8s-objects': 'cert-manager/nebula-operator-issuer-and-certificate-with-status.yaml',
  hubble: 'hubble/hubble-otel-basic-sample-5-http-flows.json',
  'envoy-access-log': 'authored/istio-sidecar-access.jsonl',
  'ztunnel-log': 'envoy-istio/istio-docs-ztunnel-access.doc-wrapped.log',
  'envoy-certs': 'envoy-istio/appmesh-sds-envoy-certs-front-spire.json',
  pem: 'spiffe/go-spiffe-x509svid/good-leaf-and-intermediate.pem',
  'spiffe-bundle': 'spiffe/go-spiffe-spiffebundle/spiffebundle_valid_1.json',
  'spire-log': 'spire-logs/spiffe-io-getting-started-k8s-server.log',
  chrony: 'authored/chronyc-tracking-worker-4.txt',
  'chrony-csv': 'authored/chronyc-csv-tracking-worker-4.csv',
  timex: 'authored/node-exporter-timex.prom',
};

/** The property every parse must hold: no exception, only valid events and FormatErrors. */
function wellFormed(run: () => ParseResult): void {
  let r: ParseResult | undefined;
  expect(() => (r = run())).not.toThrow();
  for (const e of r?.events ?? []) expect(ztvEvent.safeParse(e).success).toBe(true);
  for (const e of r?.errors ?? []) expect(e).toBeInstanceOf(FormatError);
}

function wellFormedItems(items: ParseItem[] | (ParseItem | { ok: true; skipped: true })[]): void {
  for (const i of items) {
    if ('skipped' in i) continue;
    if (i.ok) expect(ztvEvent.safeParse(i.event).success).toBe(true);
    else expect(i.error).toBeInstanceOf(FormatError);
  }
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 400 }));
const formatArb = fc.constantFrom(...formatIds);

/** A seed with one edit: cut, deletion, insertion, duplication. */
const mutated = formatArb.chain((format) => {
  const seed = local(seeds[format]);
  const at = fc.nat({ max: seed.length });
  return fc
    .oneof(
      at.map((i) => seed.slice(0, i)),
      fc.tuple(at, fc.nat({ max: 40 })).map(([i, n]) => seed.slice(0, i) + seed.slice(i + n)),
      fc.tuple(at, text).map(([i, s]) => seed.slice(0, i) + s + seed.slice(i)),
      fc.tuple(at, fc.nat({ max: 200 })).map(([i, n]) => seed.slice(0, i + n) + seed.slice(i)),
    )
    .map((t) => ({ format, t }));
});

describe('every parser returns FormatErrors, never throws', () => {
  it('on arbitrary strings, detected or forced to each format', () => {
    fc.assert(
      fc.property(text, fc.option(formatArb, { nil: undefined }), (s, format) => {
        wellFormed(() => parseText(s, ctx({ file: 'fuzz', ...(format ? { format } : {}) })));
      }),
      { numRuns: 600 },
    );
  });
  it('on arbitrary JSON, one line or pretty-printed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), formatArb, fc.boolean(), (v, format, pretty) => {
        wellFormed(() => parseText(JSON.stringify(v, null, pretty ? 2 : undefined), ctx({ format })));
      }),
      { numRuns: 600 },
    );
  });
  it('on real samples with one edit', () => {
    fc.assert(
      fc.property(mutated, ({ format, t }) => {
        wellFormed(() => parseText(t, ctx({ format })));
        wellFormed(() => parseText(t, ctx({ file: seeds[format] })));
      }),
      { numRuns: 400 },
    );
  });
  it('per-format object parsers, on real objects with one value replaced by anything', () => {
    const objects = [
      [parseAuditEvent, JSON.parse(local(seeds['k8s-audit']).split('\n')[0] ?? '')],
      [parseHubbleFlow, JSON.parse(local(seeds.hubble).split('\n')[1] ?? '')],
      [parseEnvoyAccessLog, JSON.parse(local(seeds['envoy-access-log']).split('\n')[0] ?? '')],
      [parseEnvoyCerts, JSON.parse(local(seeds['envoy-certs']))],
      [parseSpiffeBundle, JSON.parse(local(seeds['spiffe-bundle']))],
      [parseKubeObject, { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'x' }, data: { 'tls.crt': 'QUJD' } }],
    ] as const;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.anything(), (which, where, value) => {
        const [parse, seed] = objects[which % objects.length] ?? objects[0];
        wellFormedItems(parse(replaceSomewhere(seed, where, value), ctx()));
        wellFormedItems(parse(value, ctx()));
      }),
      { numRuns: 800 },
    );
  });
  it('streams to the same result as a whole read, wherever the chunks break', async () => {
    await fc.assert(
      fc.asyncProperty(formatArb, fc.array(fc.nat(), { maxLength: 6 }), async (format, cuts) => {
        const bytes = Buffer.from(local(seeds[format]));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((p, i) => bytes.subarray(p, points[i] ?? bytes.length));
        const items: ParseItem[] = [];
        for await (const i of parseStream(Readable.from(chunks), ctx({ format }))) items.push(i);
        const whole = parseText(bytes.toString('utf8'), ctx({ format }));
        expect(items.filter((i) => i.ok).length).toBe(whole.events.length);
        expect(items.filter((i) => !i.ok).length).toBe(whole.errors.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('no input makes a parser hang', () => {
  // Each is big enough that anything quadratic would take minutes; linear parsers take well under a second.
  const n = 40_000;
  const nasty = [
    '"'.repeat(n),
    'a='.repeat(n),
    '{'.repeat(n),
    `${'['.repeat(n)}${']'.repeat(n)}`,
    `${' '.repeat(n)}x`,
    '#\n'.repeat(n),
    '{"a":\n'.repeat(n / 4),
    '-----BEGIN CERTIFICATE-----\n'.repeat(n / 10),
    `k8s:${'a'.repeat(n)}`,
    `time="${'x'.repeat(n)}`,
    'a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
    'Reference ID : '.repeat(n / 4),
    Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    `${'- '.repeat(n / 4)}x`,
    `node_timex_offset_seconds{${'a="b",'.repeat(n / 4)}} 1\n`,
  ];
  it.each(formatIds)('%s answers pathological input quickly', (format) => {
    for (const s of nasty) {
      const t0 = performance.now();
      wellFormed(() => parseText(s, ctx({ format })));
      expect(performance.now() - t0, `${format} on ${JSON.stringify(s.slice(0, 30))}`).toBeLessThan(5000);
    }
  });
});

/** A copy of `v` with the `where`-th value (depth-first) replaced by `value`. */
function replaceSomewhere(v: unknown, where: number, value: unknown): unknown {
  const paths: (string | number)[][] = [];
  const visit = (x: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(x)) x.forEach((y, i) => visit(y, [...path, i]));
    else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) visit(y, [...path, k]);
  };
  visit(v, []);
  const path = paths[where % paths.length] ?? [];
  if (path.length === 0) return value;
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = value;
  return copy;
}
