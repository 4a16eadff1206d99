import { namespaceOfSpiffeId, serviceAccountOfSpiffeId } from '@ztv/events';

/** `10.0.0.1:8080`, `[fe80::1]:443`, `10.0.0.1` → address and port. */
export function splitHostPort(s: string | undefined): { ip?: string; port?: number } {
  if (!s) return {};
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  const v4 = v6 ? undefined : /^([^:]+)(?::(\d{1,5}))?$/.exec(s);
  const m = v6 ?? v4;
  if (!m) return /^[0-9a-fA-F:]+$/.test(s) ? { ip: s } : {};
  const port = m[2] === undefined ? undefined : Number(m[2]);
  return { ip: m[1], ...(port !== undefined && port <= 65535 ? { port } : {}) };
}

/** `name.ns.svc.cluster.local` (or `name.ns.svc`) → ns. */
export function namespaceOfServiceHost(host: string | undefined): string | undefined {
  return host ? /^[^.]+\.([^.]+)\.svc(\.|$)/.exec(host)?.[1] : undefined;
}

/** The first SPIFFE ID in a SAN list as Envoy renders it (comma-separated when there are several). */
export function firstSpiffeId(s: string | undefined): string | undefined {
  return s
    ?.split(',')
    .map((x) => x.trim())
    .find((x) => x.startsWith('spiffe://'));
}

/** Namespace and ServiceAccount of a Kubernetes-shaped SPIFFE ID, for an endpoint. */
export function identityFields(spiffeId: string | undefined): { principal?: string; namespace?: string; serviceAccount?: string } {
  if (!spiffeId) return {};
  const namespace = namespaceOfSpiffeId(spiffeId);
  const serviceAccount = serviceAccountOfSpiffeId(spiffeId);
  return { principal: spiffeId, ...(namespace ? { namespace } : {}), ...(serviceAccount ? { serviceAccount } : {}) };
}

export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Shallow merge where later parts win, but an undefined value never erases an earlier one. */
export function merge<T extends object>(...parts: Partial<T>[]): T {
  const out: Record<string, unknown> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
  return out as T;
}
