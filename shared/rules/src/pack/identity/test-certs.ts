import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CertData, CertEvent, ClockData, ClockEvent } from '@ztv/events';
import { event } from '../../testing';

/* Test helpers for certificate and clock rules: real PEMs / chrony output turned into events as a collector would. */

/** /work/shared/fixtures: peers' fixtures live beside the repository (see their SOURCES.md). */
export const fixtures = resolve(import.meta.dirname, '../../../../..', '../shared/fixtures');

/** Every certificate of a PEM fixture, parsed by node:crypto. */
export function pemCerts(rel: string): X509Certificate[] {
  const text = readFileSync(resolve(fixtures, rel), 'utf8');
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}

/** CertData of a parsed certificate, as the collector's x509 reader produces it. */
export function certOfX509(c: X509Certificate, origin: CertData['origin'], role?: CertData['role']): CertData {
  const sans = (c.subjectAltName ?? '').split(', ');
  return {
    fingerprintSha256: c.fingerprint256.replace(/:/g, '').toLowerCase(),
    serialNumber: c.serialNumber,
    subject: c.subject.replace(/\n/g, ', '),
    issuer: c.issuer.replace(/\n/g, ', '),
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
    isCA: c.ca,
    role: role ?? (c.ca ? 'ca' : 'workload'),
    spiffeIds: sans.filter((s) => s.startsWith('URI:spiffe')).map((s) => s.slice(4)),
    dnsNames: sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
    origin,
  };
}

/** An Istio workload certificate (istiod's default: 24h, SPIFFE ID spiffe://<td>/ns/<ns>/sa/<sa>), seen in a pod's Envoy. */
export function istioCert(o: { ns: string; sa: string; pod: string; notBefore: string; hours?: number; td?: string; serial?: string }): CertData {
  const nb = new Date(o.notBefore);
  return {
    serialNumber: o.serial ?? `${o.pod}-${nb.getTime()}`,
    issuer: 'O=cluster.local',
    notBefore: nb.toISOString(),
    notAfter: new Date(nb.getTime() + (o.hours ?? 24) * 3600_000).toISOString(),
    isCA: false,
    role: 'workload',
    spiffeIds: [`spiffe://${o.td ?? 'cluster.local'}/ns/${o.ns}/sa/${o.sa}`],
    dnsNames: [],
    origin: { kind: 'envoy-certs', namespace: o.ns, pod: o.pod },
  };
}

export function certEvent(data: CertData, time: string, observedAt = time): CertEvent {
  return event('cert', data, { time, observedAt, source: 'envoy-certs' });
}

/** A chrony `tracking` report (chronyc tracking) as the clock probe reads it. */
export function chronyReading(node: string, rel: string): ClockData {
  const text = readFileSync(resolve(fixtures, rel), 'utf8');
  const field = (name: string) => new RegExp(`^${name}\\s*: (.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const [value, , way] = field('System time').split(' ');
  const leap = field('Leap status');
  const ref = /^([0-9A-F]+) \((.*)\)$/.exec(field('Reference ID'));
  return {
    node,
    offsetSeconds: Number(value) * (way === 'fast' ? 1 : -1),
    synchronized: leap === 'Normal',
    method: 'chrony',
    stratum: Number(field('Stratum')),
    ...(ref?.[2] ? { referenceId: ref[2] } : {}),
    leapStatus: leap,
  };
}

export function clockEvent(data: ClockData, time: string): ClockEvent {
  return event('clock', data, { time, source: data.method });
}
