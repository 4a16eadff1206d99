import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ztvEvent } from './envelope';
import { compileParser } from './fast-parse';
import { parseZtvEvent, safeParseZtvEvent, safeParseZtvEventJson, ztvEventFastPath } from './validate';

/* The compiled fast path must be exactly as strict as zod: what it accepts, zod accepts with the same output (key order
 * included); what it does not, zod decides. Checked on generated valid events and on mutations of them. */

const text = (max = 24) => fc.string({ minLength: 1, maxLength: max, unit: fc.constantFrom('a', 'z', '0', '-', '/', '.', 'é', '😀', ' ') });
const iso = fc
  .tuple(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.constantFrom('Z', '+02:00', '-05:30', 'noms'))
  .map(([d, zone]) => {
    const s = d.toISOString();
    return zone === 'Z' ? s : zone === 'noms' ? s.replace(/\.\d+Z$/, 'Z') : s.replace('Z', zone);
  });
/** Keys a collector may add that the schema does not know (stripped by zod unless the object is loose). */
const extra = fc.dictionary(fc.constantFrom('x-extra', 'zz', '8080', '__proto__', 'constructor', 'toString', 'spec'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });
const withExtra = <T extends object>(arb: fc.Arbitrary<T>) => fc.tuple(arb, extra).map(([o, x]) => ({ ...x, ...o }));

const endpoint = withExtra(
  fc.record(
    {
      namespace: text(), pod: text(), workload: text(), workloadKind: text(), serviceAccount: text(),
      labels: fc.dictionary(text(), text(), { maxKeys: 3 }), ip: text(), port: fc.integer({ min: 0, max: 65535 }),
      identity: fc.integer(), principal: text(40), reserved: fc.array(text()), dnsNames: fc.array(text()),
    },
    { requiredKeys: [] },
  ),
);
const flowData = fc.record(
  {
    verdict: fc.constantFrom('forwarded', 'dropped', 'denied', 'error', 'audit', 'redirected', 'traced', 'translated', 'unknown'),
    dropReason: text(), direction: fc.constantFrom('ingress', 'egress', 'unknown'),
    reporter: fc.constantFrom('hubble', 'sidecar-inbound', 'sidecar-outbound', 'ztunnel', 'gateway', 'other'),
    source: endpoint, destination: endpoint,
    protocol: fc.constantFrom('TCP', 'UDP', 'ICMPv4', 'ICMPv6', 'SCTP', 'HTTP', 'GRPC', 'DNS', 'KAFKA', 'unknown'),
    l7: fc.record({ type: text(), method: text(), url: text(), code: fc.integer(), dnsQuery: text() }, { requiredKeys: ['type'] }),
    mtls: fc.record({ mode: fc.constantFrom('mutual', 'tls', 'none', 'unknown'), peerPrincipal: text(), tlsVersion: text(), sni: text(), authRequired: fc.boolean() }, { requiredKeys: ['mode'] }),
    isReply: fc.boolean(), count: fc.integer({ min: 1, max: 1000 }),
  },
  { requiredKeys: ['verdict', 'direction', 'reporter', 'source', 'destination', 'protocol', 'mtls'] },
);
const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const auditData = withExtra(
  fc.record(
    {
      auditID: text(), level: fc.constantFrom('None', 'Metadata', 'Request', 'RequestResponse'),
      stage: fc.constantFrom('RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'), verb: fc.string(), requestURI: fc.string(),
      user: withExtra(fc.record({ username: text(), uid: text(), groups: fc.array(text()) }, { requiredKeys: [] })),
      impersonatedUser: withExtra(fc.record({ username: text(), groups: fc.array(text()) }, { requiredKeys: [] })),
      sourceIPs: fc.array(text()), userAgent: fc.string(),
      objectRef: withExtra(fc.record({ resource: text(), namespace: text(), name: text(), uid: text(), apiGroup: text(), apiVersion: text(), resourceVersion: text(), subresource: text() }, { requiredKeys: [] })),
      responseStatus: withExtra(fc.record({ code: fc.integer(), status: text(), reason: text(), message: text() }, { requiredKeys: [] })),
      requestObject: jsonObject, requestPatch: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }), responseObject: jsonObject,
      requestReceivedTimestamp: iso, stageTimestamp: iso, annotations: fc.dictionary(text(), fc.string(), { maxKeys: 2 }),
    },
    { requiredKeys: ['auditID', 'level', 'stage', 'verb', 'requestURI', 'user'] },
  ),
);
const resourceData = fc.record(
  {
    op: fc.constantFrom('upsert', 'delete'), apiVersion: text(), kind: text(), namespace: fc.string(), name: text(), uid: fc.string(),
    resourceVersion: fc.string(), object: jsonObject, known: fc.boolean(),
  },
  { requiredKeys: ['op', 'apiVersion', 'kind', 'name', 'uid', 'resourceVersion', 'object'] },
);
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const certData = fc.record(
  {
    fingerprintSha256: hex64, serialNumber: text(), subject: text(), issuer: text(), notBefore: iso, notAfter: iso, isCA: fc.boolean(),
    role: fc.constantFrom('workload', 'ca', 'bundle'), spiffeIds: fc.array(text(60), { maxLength: 2 }), dnsNames: fc.array(text()),
    origin: fc.record({ kind: fc.constantFrom('envoy-certs', 'pem', 'spire', 'secret', 'cert-manager', 'configmap', 'istio-agent'), namespace: text(), name: text(), pod: text(), node: text(), path: text() }, { requiredKeys: ['kind'] }),
  },
  { requiredKeys: ['notAfter', 'isCA', 'role', 'spiffeIds', 'dnsNames', 'origin'] },
);
const clockData = fc.record(
  {
    node: text(), offsetSeconds: fc.double({ noNaN: true, noDefaultInfinity: true }), synchronized: fc.constantFrom(true, false, null),
    method: fc.constantFrom('chrony', 'timex', 'lease'), maxErrorSeconds: fc.double({ noNaN: true, noDefaultInfinity: true }), stratum: fc.integer({ min: 0, max: 16 }),
    referenceId: text(), leapStatus: text(),
  },
  { requiredKeys: ['node', 'offsetSeconds', 'synchronized', 'method'] },
);
const envelope = (type: string, data: fc.Arbitrary<unknown>) =>
  withExtra(fc.record({ id: text(80), type: fc.constant(type), cluster: text(), source: text(), time: iso, observedAt: iso, data }));

/** A valid event (as JSON: it went through JSON.stringify, as every record does). */
const validEvent = fc
  .oneof(envelope('flow', flowData), envelope('k8s.audit', auditData), envelope('k8s.resource', resourceData), envelope('cert', certData), envelope('clock', clockData))
  .map((e) => JSON.parse(JSON.stringify(e)) as unknown);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const replacement = fc.oneof(
  fc.constantFrom<Json>(null, '', 'x', 0, -1, 1.5, 70000, 2 ** 53, 1e300, true, [], {}, '😀', 'a'.repeat(513), '😀'.repeat(300), '2026-13-01T00:00:00Z', '2026-03-14T09:00:00'),
  fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
);

/** `e` with one value somewhere in it deleted, replaced, or joined by an unknown key. */
const mutated = fc.tuple(validEvent, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.constantFrom('delete', 'replace', 'add'), replacement).map(([e, steps, how, value]) => {
  const root = structuredClone(e) as Json;
  let cur: Json = root;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object') break;
    const keys = Object.keys(cur);
    if (!keys.length) break;
    const key = keys[step % keys.length] as string;
    const child: Json = (cur as Record<string, Json>)[key] as Json;
    if (child !== null && typeof child === 'object' && step % 3 !== 0) {
      cur = child;
      continue;
    }
    if (how === 'delete') delete (cur as Record<string, Json>)[key];
    else if (how === 'replace') (cur as Record<string, Json>)[key] = value;
    else (cur as Record<string, Json>)[`${key}-extra`] = value;
    break;
  }
  return root;
});

/** Prototypes along both trees (a `__proto__` key copied by assignment would change one, unseen by toEqual). */
function protos(x: unknown): unknown[] {
  if (x === null || typeof x !== 'object') return [];
  return [Object.getPrototypeOf(x), ...Object.values(x).flatMap(protos)];
}

function agrees(input: unknown): void {
  const fast = ztvEventFastPath.parse(input);
  const slow = ztvEvent.safeParse(input);
  if (fast !== undefined) {
    expect(slow.success).toBe(true);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data)); // same keys, same order
    expect(fast).toEqual(slow.data);
    expect(protos(fast)).toEqual(protos(slow.data));
  }
  const both = safeParseZtvEvent(input);
  expect(both.success).toBe(slow.success);
  if (slow.success) expect(JSON.stringify(both.data)).toBe(JSON.stringify(slow.data));
  else expect(both.error?.issues).toEqual(slow.error.issues);
  // The same input as a consumer gets it, from JSON.parse: parseJson must agree with zod exactly as parse does.
  const text = JSON.stringify(input);
  if (text === undefined) return;
  const json: unknown = JSON.parse(text);
  const fromJson = ztvEventFastPath.parseJson(JSON.parse(text));
  const zodJson = ztvEvent.safeParse(json);
  if (fromJson !== undefined) {
    expect(zodJson.success).toBe(true);
    expect(JSON.stringify(fromJson)).toBe(JSON.stringify(zodJson.data));
    expect(fromJson).toEqual(zodJson.data);
    expect(protos(fromJson)).toEqual(protos(zodJson.data));
  }
  const viaJson = safeParseZtvEventJson(JSON.parse(text));
  expect(viaJson.success).toBe(zodJson.success);
  if (!zodJson.success) expect(viaJson.error?.issues).toEqual(zodJson.error.issues);
}

describe('ztvEvent fast path', () => {
  it('mirrors the whole envelope (no node left to zod)', () => {
    expect(ztvEventFastPath.delegated).toEqual([]);
  });

  it('accepts every valid event, with exactly what zod returns', () => {
    fc.assert(
      fc.property(validEvent, (e) => {
        expect(ztvEventFastPath.parse(e)).not.toBeUndefined();
        agrees(e);
      }),
      { numRuns: 1500 },
    );
  });

  it('never accepts what zod rejects, and leaves zod the reason', () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutated, (e) => {
        if (!ztvEvent.safeParse(e).success) rejected++;
        agrees(e);
      }),
      { numRuns: 3000 },
    );
    expect(rejected).toBeGreaterThan(300); // the mutations do reach invalid events
  });

  it('returns the input object where zod would return an equal copy, and a copy where zod strips or reorders', () => {
    const clock = { id: 'c', cluster: 'lab', source: 'chrony', time: '2026-03-14T09:00:00Z', observedAt: '2026-03-14T09:00:00Z', type: 'clock', data: { node: 'n1', offsetSeconds: 0.1, synchronized: true, method: 'chrony' } };
    const same = JSON.parse(JSON.stringify(clock));
    expect(ztvEventFastPath.parse(same)).toBe(same);
    const stripped = JSON.parse(JSON.stringify({ ...clock, data: { ...clock.data, extra: 1 } }));
    const out = ztvEventFastPath.parse(stripped);
    expect(out).not.toBe(stripped);
    expect(out).toEqual(ztvEvent.parse(stripped));
    const { data, ...envelope } = clock;
    const reordered = JSON.parse(JSON.stringify({ data, ...envelope }));
    expect(Object.keys(reordered)[0]).toBe('data');
    expect(JSON.stringify(ztvEventFastPath.parse(reordered))).toBe(JSON.stringify(ztvEvent.parse(reordered)));
    class NotPlain {
      constructor(readonly fields: object) {
        Object.assign(this, fields);
      }
    }
    const instance = new NotPlain(clock);
    expect(Object.getPrototypeOf(ztvEventFastPath.parse(instance))).toBe(Object.prototype);
  });

  it('walks records of JSON input with for-in, and still leaves __proto__ keys and bad values to the long way', () => {
    const flow = (labels: string) =>
      `{"id":"f","cluster":"lab","source":"hubble","time":"2026-03-14T09:00:00Z","observedAt":"2026-03-14T09:00:00Z","type":"flow","data":{"verdict":"forwarded","direction":"egress","reporter":"hubble","protocol":"TCP","source":{"namespace":"a","labels":${labels}},"destination":{"ip":"10.0.0.1"},"mtls":{"mode":"unknown"},"count":1}}`;
    // In zod's own key order, so nothing needs reordering and the input itself comes back.
    const plain = JSON.parse(JSON.stringify(ztvEvent.parse(JSON.parse(flow('{"app":"web","tier":"front"}')))));
    expect(ztvEventFastPath.parseJson(plain)).toBe(plain);
    for (const labels of ['{"__proto__":"x","app":"web"}', '{"app":"web","__proto__":{"a":1}}', '{"app":7}', '{"app":null}', '[]', '"app"', '{}']) {
      agrees(JSON.parse(flow(labels)));
      const viaJson = safeParseZtvEventJson(JSON.parse(flow(labels)));
      const zod = ztvEvent.safeParse(JSON.parse(flow(labels)));
      expect(viaJson.success, labels).toBe(zod.success);
      if (zod.success) expect(JSON.stringify(viaJson.data)).toBe(JSON.stringify(zod.data));
    }
  });

  it('returns the input exactly when its keys are the present fields in shape order, strict or loose, any number of fields', () => {
    // Shapes under and over the 30 fields the bit-mask order check takes, strict and loose, optional and defaulted fields.
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    const shapeOf = (names: string[]) =>
      Object.fromEntries(names.map((k, i) => [k, i % 3 === 0 ? z.number() : i % 3 === 1 ? z.number().optional() : z.number().default(7)]));
    for (const n of [3, 12, 30, 31, 40]) {
      const names = fields(n);
      for (const schema of [z.object(shapeOf(names)), z.object(shapeOf(names)).loose()]) {
        const p = compileParser(schema);
        const input = fc
          .tuple(fc.subarray(names), fc.subarray(['x', 'y', 'f0', '__proto__']), fc.boolean(), fc.boolean())
          .map(([present, unknown, shuffle, unknownFirst]) => {
            const required = names.filter((_, i) => i % 3 === 0);
            let keys = [...new Set([...required, ...present])].sort((a, b) => names.indexOf(a) - names.indexOf(b));
            if (shuffle) keys = [...keys].reverse();
            const extra = unknown.filter((k) => !keys.includes(k));
            const order = unknownFirst ? [...extra, ...keys] : [...keys, ...extra];
            return JSON.parse(`{${order.map((k, i) => `${JSON.stringify(k)}:${i}`).join(',')}}`) as Record<string, unknown>;
          });
        fc.assert(
          fc.property(input, (o) => {
            const zod = schema.safeParse(o);
            const fast = p.parseJson(o);
            if (!zod.success) return expect(fast).toBeUndefined();
            expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data)); // same keys, same order
            // The input itself exactly when zod's output lists the same keys in the same order (and values are equal).
            expect(fast === o).toBe(JSON.stringify(Object.keys(zod.data as object)) === JSON.stringify(Object.keys(o)));
          }),
          { numRuns: 300 },
        );
      }
    }
    // A field that is there but not enumerable (not from JSON), last in shape order: zod's output lists it, so the
    // input cannot be returned as it is.
    for (const schema of [z.object({ a: z.number(), b: z.number().optional() }), z.object({ a: z.number(), b: z.number().optional() }).loose()]) {
      const hidden = { a: 1 };
      Object.defineProperty(hidden, 'b', { value: 2, enumerable: false });
      const out = compileParser(schema).parse(hidden);
      expect(out).not.toBe(hidden);
      expect(JSON.stringify(out)).toBe(JSON.stringify(schema.parse(hidden)));
      expect(out).toEqual({ a: 1, b: 2 });
    }
  });

  it('handles inputs that are not events at all', () => {
    for (const x of [null, 1, 'flow', [], {}, { type: 'flow' }, { type: 'nope', id: 'a' }, [{ type: 'flow' }]]) agrees(x);
    expect(() => parseZtvEvent({ type: 'flow' })).toThrow(z.ZodError);
  });

  it('hands a node it cannot mirror to zod whole', () => {
    const schema = z.object({ a: z.string().email(), n: z.number().multipleOf(2), b: z.string().transform((s) => s.length) });
    const p = compileParser(schema);
    expect(p.delegated.length).toBe(3);
    expect(p.parse({ a: 'x@example.com', n: 4, b: 'abc', c: 1 })).toEqual({ a: 'x@example.com', n: 4, b: 3 });
    expect(p.parse({ a: 'nope', n: 4, b: 'abc' })).toBeUndefined();
  });

  it('counts code points where zod does, and leaves the doubtful lengths to zod', () => {
    const schema = z.object({ s: z.string().min(2).max(3) });
    const p = compileParser(schema);
    expect(compileParser(z.object({ s: z.string().min(1).max(3) })).parse({ s: 'abc' })).toEqual({ s: 'abc' });
    expect(p.parse({ s: 'abcd' })).toBeUndefined(); // over the max
    expect(p.parse({ s: 'abc' })).toBeUndefined(); // 3 units, fewer than 2·2: maybe fewer than 2 code points
    expect(p.parse({ s: '😀😀' })).toBeUndefined(); // 4 units over the max, but 2 code points: zod's to count
    expect(schema.safeParse({ s: '😀😀' }).success).toBe(true);
    expect(schema.safeParse({ s: '😀' }).success).toBe(false);
  });
});
