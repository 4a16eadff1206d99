import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { readFileEvents } from '../read-file';
import { ctx, local, localFixtures } from '../test-support/fixtures';
import type { ParseItem } from '../types';
import { parseStream } from './parse-stream';
import { parseText } from './parse-text';

async function collect(items: AsyncIterable<ParseItem>): Promise<ParseItem[]> {
  const out: ParseItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

const FILES = [
  'k8s-audit/audit2rbac-demo.log',
  'k8s-audit/khi-lease-update-requestresponse.yaml',
  'hubble/hubble-otel-basic-sample-10-flows.json',
  'envoy-istio/istio-docs-ztunnel-access.doc-wrapped.log',
  'envoy-istio/appmesh-sds-envoy-certs-front-spire.json',
  'spire-logs/spiffe-io-getting-started-k8s-server.log',
  'authored/chronyc-tracking-worker-4.txt',
  'kyverno-policies/istio/enforce-strict-mtls/.chainsaw-test/pa-bad.yaml',
  'spiffe/go-spiffe-x509bundle/corrupted.pem',
];

describe('parseStream', () => {
  it.each(FILES)('yields what parseText finds, from a byte stream: %s', async (file) => {
    const text = local(file);
    const expected = parseText(text, ctx({ file }));
    const items = await collect(parseStream(Readable.from([Buffer.from(text)]), ctx({ file })));
    expect(items.filter((i) => i.ok).map((i) => i.ok && i.event)).toEqual(expected.events);
    expect(items.flatMap((i) => (i.ok ? [] : [[i.error.line, i.error.offset, i.error.reason]]))).toEqual(expected.errors.map((e) => [e.line, e.offset, e.reason]));
  });
  it('reads lines split across chunks, multi-byte characters and CRLF with exact byte offsets', async () => {
    const text = '{"flow":{"verdict":"FORWARDED","source":{"pod_name":"é"}}}\r\nnot json\r\n';
    const bytes = Buffer.from(text);
    const chunks = [bytes.subarray(0, 45), bytes.subarray(45, 46), bytes.subarray(46)];
    const items = await collect(parseStream(Readable.from(chunks), ctx({ format: 'hubble' })));
    expect(items[0]?.ok && items[0].event.type === 'flow' && items[0].event.data.source.pod).toBe('é');
    expect(items[1]?.ok === false && [items[1].error.line, items[1].error.offset]).toEqual([2, Buffer.byteLength('{"flow":{"verdict":"FORWARDED","source":{"pod_name":"é"}}}\r\n')]);
  });
  it('takes an async iterable of lines', async () => {
    async function* lines() {
      yield* local('authored/istio-sidecar-access.jsonl').split('\n');
    }
    const items = await collect(parseStream(lines(), ctx()));
    expect(items.filter((i) => i.ok)).toHaveLength(4);
  });
  it('yields each YAML document before reading the next', async () => {
    let pulled = 0;
    async function* docs() {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-${i}`;
      }
    }
    const seen: number[] = [];
    for await (const item of parseStream(docs(), ctx({ format: 'k8s-objects' }))) {
      expect(item.ok).toBe(true);
      seen.push(pulled);
    }
    expect(seen).toEqual([2, 3, 3]);
  });
  it('stops reading its source when the consumer stops', async () => {
    const big = Readable.from((function* () {
      for (let i = 0; i < 1e6; i++) yield `{"flow":{"verdict":"FORWARDED","uuid":"u${i}"}}\n`;
    })());
    for await (const item of parseStream(big, ctx({ format: 'hubble' }))) {
      expect(item.ok).toBe(true);
      break;
    }
    expect(big.destroyed).toBe(true);
  });
  it('reports an unusable context or format once, as a FormatError', async () => {
    const [bad] = await collect(parseStream(Readable.from(['x']), { cluster: '', observedAt: 'now' }));
    expect(bad?.ok === false && bad.error).toBeInstanceOf(FormatError);
    const [unknown] = await collect(parseStream(Readable.from(['hello']), ctx({ file: 'notes.txt' })));
    expect(unknown?.ok === false && unknown.error.reason).toMatch(/^no format given/);
  });
});

describe('readFileEvents', () => {
  it('streams a file, detecting its format from name and content', async () => {
    const path = join(localFixtures, 'hubble/hubble-otel-basic-sample-10-flows.json');
    const items = await collect(readFileEvents(path, ctx()));
    expect(items).toHaveLength(10);
    expect(items.every((i) => i.ok && i.event.source === 'hubble')).toBe(true);
  });
  it('names the file in errors, and turns a missing file into one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztv-formats-'));
    const path = join(dir, 'audit.log');
    writeFileSync(path, '{"auditID":"a","verb":"get","stage":"ResponseComplete"}\n{"kind": 0}\n');
    const items = await collect(readFileEvents(path, ctx({ format: 'k8s-audit' })));
    expect(items.map((i) => !i.ok && [i.error.file, i.error.line])).toEqual([[path, 1], [path, 2]]);
    const [missing] = await collect(readFileEvents(join(dir, 'nope.log'), ctx()));
    expect(missing?.ok === false && missing.error.reason).toMatch(/^cannot read file: ENOENT/);
  });
});
