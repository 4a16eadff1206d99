import { emit, fail, within, type Out } from '../internal/emit';
import { rec, str, strArray, type JsonRecord } from '../internal/json';
import { toRfc3339 } from '../internal/time';
import type { ParseContext } from '../types';
import { certsFromPem } from '../x509/pem';

const FORMAT = 'k8s-objects' as const;
const PEM_CERT = '-----BEGIN CERTIFICATE-----';

interface Where {
  namespace: string | undefined;
  name: string;
  uid: string;
}

/**
 * Certificates an object carries or describes, as `cert` events:
 * a kubernetes.io/tls Secret's `tls.crt` (only that field is read: the key is never touched),
 * a ConfigMap's PEM values (trust bundles such as istio-ca-root-cert's root-cert.pem),
 * a cert-manager Certificate's issued window (status.notBefore/notAfter; it has no DER, so no fingerprint).
 */
export function certsOfObject(o: JsonRecord, kind: string, apiVersion: string, w: Where, ctx: ParseContext): Out[] {
  if (kind === 'Secret' && apiVersion === 'v1' && o.type === 'kubernetes.io/tls') return tlsSecretCerts(o, w, ctx);
  if (kind === 'ConfigMap' && apiVersion === 'v1') return configMapCerts(o, w, ctx);
  if (kind === 'Certificate' && apiVersion.startsWith('cert-manager.io/')) return certManagerCert(o, w, ctx);
  return [];
}

function tlsSecretCerts(o: JsonRecord, w: Where, ctx: ParseContext): Out[] {
  const origin = { kind: 'secret' as const, name: w.name, path: 'tls.crt', ...(w.namespace ? { namespace: w.namespace } : {}) };
  const b64 = str(rec(o, 'data'), 'tls.crt');
  const plain = str(rec(o, 'stringData'), 'tls.crt');
  let text: string | undefined = plain;
  if (b64 !== undefined) {
    const compact = b64.replace(/\s/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return [fail(ctx, FORMAT, `Secret ${w.name}: data.tls.crt is not base64`)];
    text = Buffer.from(compact, 'base64').toString('utf8');
  }
  if (text === undefined || !text.includes(PEM_CERT)) return [];
  return within(certsFromPem(text, ctx, { format: FORMAT, origin }), `Secret ${w.name} tls.crt`);
}

function configMapCerts(o: JsonRecord, w: Where, ctx: ParseContext): Out[] {
  const data = rec(o, 'data');
  if (!data) return [];
  return Object.entries(data).flatMap(([key, value]) => {
    if (typeof value !== 'string' || !value.includes(PEM_CERT)) return [];
    const origin = { kind: 'configmap' as const, name: w.name, path: key, ...(w.namespace ? { namespace: w.namespace } : {}) };
    return within(certsFromPem(value, ctx, { format: FORMAT, origin, bundle: true }), `ConfigMap ${w.name} ${key}`);
  });
}

function certManagerCert(o: JsonRecord, w: Where, ctx: ParseContext): Out[] {
  const status = rec(o, 'status');
  const spec = rec(o, 'spec');
  const notAfter = toRfc3339(status?.notAfter);
  if (!notAfter) return []; // not issued yet: nothing in use
  const notBefore = toRfc3339(status?.notBefore);
  const isCA = spec?.isCA === true;
  const uris = strArray(spec?.uris);
  const commonName = str(spec, 'commonName');
  const key = w.uid || `${w.namespace ?? '_cluster'}/${w.name}`;
  return [
    emit(ctx, FORMAT, {
      type: 'cert',
      id: `cert-manager:${key}@${notBefore ?? ''}..${notAfter}`,
      data: {
        notAfter,
        ...(notBefore ? { notBefore } : {}),
        ...(commonName ? { subject: `CN=${commonName}` } : {}),
        isCA,
        role: isCA ? 'ca' : 'workload',
        spiffeIds: uris.filter((u) => u.startsWith('spiffe://')),
        dnsNames: strArray(spec?.dnsNames),
        origin: { kind: 'cert-manager', name: w.name, ...(w.namespace ? { namespace: w.namespace } : {}) },
      },
    }),
  ];
}
