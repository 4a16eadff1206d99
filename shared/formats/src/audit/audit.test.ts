import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType, parseLocal } from '../test-support/fixtures';
import { parseAuditEvent } from './parse-audit';

const DEMO = 'k8s-audit/audit2rbac-demo.log';

describe('k8s-audit: JSON lines (log backend)', () => {
  const r = parseLocal(DEMO);
  it('reads all 37 events of audit2rbac demo.log as audit.k8s.io/v1 Events', () => {
    expectWellFormed(r, DEMO);
    expect(r.format).toBe('k8s-audit');
    expect(r.errors).toEqual([]);
    expect(ofType(r.events, 'k8s.audit')).toHaveLength(37);
  });
  it('keeps the fields rules read, with a stable id of auditID/stage', () => {
    const first = ofType(r.events, 'k8s.audit')[0];
    expect(first?.id).toBe('033d17af-082d-4b24-aa22-627752e83d71/ResponseComplete');
    expect(first?.time).toBe('2017-09-11T19:55:05Z');
    expect(first?.source).toBe('audit-log');
    expect(first?.data).toMatchObject({
      level: 'Metadata',
      verb: 'list',
      impersonatedUser: { username: 'bob' },
      objectRef: { resource: 'pods', namespace: 'default' },
      responseStatus: { code: 403, reason: 'Forbidden' },
    });
  });
  it('gives the same ids on a second read (replays deduplicate)', () => {
    expect(parseLocal(DEMO).events.map((e) => e.id)).toEqual(r.events.map((e) => e.id));
  });
});

describe('k8s-audit: falco traces (v1beta1, and lines without apiVersion)', () => {
  it('reads a v1beta1 Event with its timestamps', () => {
    const r = parseLocal('k8s-audit/falco-trace-files/anonymous_creates_namespace_foo.json');
    const [e] = ofType(r.events, 'k8s.audit');
    expect(e?.data.auditID).toMatch(/^841d3e6d/);
    expect(e?.data.apiVersion).toBe('audit.k8s.io/v1beta1');
    expect(e?.time).toBe('2018-10-25T13:58:49.736141Z'); // stageTimestamp
  });
  it('accepts kind: Event without apiVersion (exec into a pod)', () => {
    const r = parseLocal('k8s-audit/falco-trace-files/exec_pod.json');
    expect(r.errors).toEqual([]);
    const [e] = ofType(r.events, 'k8s.audit');
    expect(e?.id).toBe('ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6/ResponseStarted');
    expect(e?.data.objectRef).toMatchObject({ subresource: 'exec', name: 'nginx-deployment-7998647bdf-phvq7' });
  });
  it('turns the malformed {"kind": 0} fuzz case into a typed error with file and line', () => {
    const file = 'k8s-audit/falco-trace-files/fal_01_003.json';
    for (const format of ['k8s-audit', undefined] as const) {
      const r = parseText(local(file), ctx({ file, ...(format ? { format } : {}) }));
      expect(r.events).toEqual([]);
      expect(r.errors).toHaveLength(1);
      const [err] = r.errors;
      expect(err).toBeInstanceOf(FormatError);
      expect(err).toMatchObject({ file, line: 1, offset: 0 });
    }
    const explicit = parseText(local(file), ctx({ file, format: 'k8s-audit' })).errors[0];
    expect(explicit?.reason).toContain('kind 0');
    expect(explicit?.snippet).toBe('{"kind":0}');
  });
});

describe('k8s-audit: webhook batches, pretty JSON and YAML', () => {
  const lines = local(DEMO).split('\n').filter(Boolean).slice(0, 3);
  const batch = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: lines.map((l) => JSON.parse(l) as unknown) };
  it('reads an EventList on one line and pretty-printed', () => {
    for (const text of [JSON.stringify(batch), JSON.stringify(batch, null, 2)]) {
      const r = parseText(text, ctx({ file: 'webhook' }));
      expect(r.format).toBe('k8s-audit');
      expect(r.events.map((e) => e.id)).toEqual(parseLocal(DEMO).events.slice(0, 3).map((e) => e.id));
    }
  });
  it('names the bad item of a batch and keeps the good ones', () => {
    const bad = { ...batch, items: [batch.items[0], { auditID: 'x', verb: 'get', stage: 'Nope', level: 'Metadata' }] };
    const r = parseText(JSON.stringify(bad, null, 2), ctx({ file: 'webhook' }));
    expect(r.events).toHaveLength(1);
    expect(r.errors[0]?.reason).toMatch(/^items\[1\]: /);
    expect(r.errors[0]?.line).toBe(1);
  });
  it('reads the khi RequestResponse Lease update from YAML', () => {
    const r = parseLocal('k8s-audit/khi-lease-update-requestresponse.yaml');
    expect(r.format).toBe('k8s-audit');
    expectWellFormed(r);
    const [e] = ofType(r.events, 'k8s.audit');
    expect(e?.id).toBe('7a816f5c-b093-4f2f-8124-0c6083e41cd4/ResponseComplete');
    expect(e?.data.requestObject).toMatchObject({ spec: { renewTime: '2025-04-01T13:33:59.445411Z' } });
    expect(ofType(r.events, 'clock')).toEqual([]); // kube-scheduler's lease, not a node's
  });
});

describe('k8s-audit: Secrets and patches', () => {
  const secretEvent = (requestObject: unknown) => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: 'a1',
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: '/api/v1/namespaces/web/secrets',
    user: { username: 'alice' },
    objectRef: { resource: 'secrets', namespace: 'web', name: 'tls', apiVersion: 'v1' },
    requestObject,
    stageTimestamp: '2026-03-14T09:00:00.000001Z',
  });
  it('keeps no secret value from a RequestResponse Secret event', () => {
    const obj = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'tls', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"tls.key":"S0VZ"}}' } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Q0VSVA==', 'tls.key': 'S0VZ' },
      stringData: { password: 'hunter2' },
    };
    const [item] = parseAuditEvent(secretEvent(obj), ctx());
    expect(item?.ok).toBe(true);
    const kept = JSON.stringify(item);
    for (const secret of ['S0VZ', 'hunter2', 'last-applied']) expect(kept).not.toContain(secret);
    expect(kept).toContain('Q0VSVA=='); // the certificate is public
  });
  it('moves a JSON Patch body to requestPatch, redacting Secret values', () => {
    const patch = [
      { op: 'replace', path: '/data/tls.key', value: 'S0VZ' },
      { op: 'replace', path: '/data/tls.crt', value: 'Q0VSVA==' },
    ];
    const [item] = parseAuditEvent({ ...secretEvent(undefined), verb: 'patch', requestObject: patch }, ctx());
    if (!item?.ok || item.event.type !== 'k8s.audit') throw new Error('expected an audit event');
    expect(item.event.data.requestObject).toBeUndefined();
    expect(item.event.data.requestPatch).toEqual([{ ...patch[0], value: '[redacted]' }, patch[1]]);
  });
  it('distinguishes the stages of one request', () => {
    const a = parseAuditEvent(secretEvent({}), ctx())[0];
    const b = parseAuditEvent({ ...secretEvent({}), stage: 'RequestReceived' }, ctx())[0];
    expect(a?.ok && b?.ok && a.event.id !== b.event.id).toBe(true);
  });
});
