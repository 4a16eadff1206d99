import { createHash } from 'node:crypto';
import type { AuditData, CertData, ClockData, FlowData, ZtvEvent } from '@ztv/events';

/** Envelope builders for the demo story: every event as the collector would have normalized it. */
export class StoryBuilder {
  private seq = 0;
  constructor(private readonly cluster: string, private readonly t0: number) {}

  /** RFC 3339 time `minutes` into the story (the story spans an hour). */
  at(minutes: number): string {
    return new Date(this.t0 + minutes * 60_000).toISOString();
  }

  private id(kind: string, minutes: number): string {
    return createHash('sha256').update(`${this.cluster}|${kind}|${this.t0}|${minutes}|${this.seq++}`).digest('hex').slice(0, 32);
  }

  resource(minutes: number, object: Record<string, unknown>, op: 'upsert' | 'delete' = 'upsert'): ZtvEvent {
    const md = object.metadata as { name: string; namespace?: string; uid: string };
    const rv = String(1000 + this.seq);
    const obj = { ...object, metadata: { ...md, resourceVersion: rv } };
    return {
      id: `${md.uid}@${rv}`, type: 'k8s.resource', cluster: this.cluster, source: 'kube-watch', time: this.at(minutes), observedAt: this.at(minutes),
      data: { op, apiVersion: object.apiVersion as string, kind: object.kind as string, ...(md.namespace ? { namespace: md.namespace } : {}), name: md.name, uid: md.uid, resourceVersion: rv, object: obj },
    };
  }

  audit(minutes: number, data: Partial<AuditData> & Pick<AuditData, 'verb' | 'requestURI' | 'user'>): ZtvEvent {
    const auditID = this.id('audit', minutes);
    const time = this.at(minutes);
    return {
      id: auditID, type: 'k8s.audit', cluster: this.cluster, source: 'audit-webhook', time, observedAt: time,
      data: { level: 'RequestResponse', stage: 'ResponseComplete', ...data, auditID, requestReceivedTimestamp: time, stageTimestamp: time } as AuditData,
    };
  }

  flow(minutes: number, data: Omit<FlowData, 'count'> & { count?: number }): ZtvEvent {
    const time = this.at(minutes);
    return { id: this.id('flow', minutes), type: 'flow', cluster: this.cluster, source: data.reporter === 'hubble' ? 'hubble' : 'envoy-als', time, observedAt: time, data: { count: 1, ...data } };
  }

  cert(minutes: number, data: CertData): ZtvEvent {
    const time = this.at(minutes);
    return { id: `${data.serialNumber ?? this.id('cert', minutes)}@${data.notBefore}..${data.notAfter}`, type: 'cert', cluster: this.cluster, source: 'envoy-certs', time, observedAt: time, data };
  }

  clock(minutes: number, data: ClockData): ZtvEvent {
    const time = this.at(minutes);
    return { id: `${data.node}@${time}/${data.method}`, type: 'clock', cluster: this.cluster, source: data.method === 'chrony' ? 'chrony' : data.method, time, observedAt: time, data };
  }
}
