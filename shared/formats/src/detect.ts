import type { FormatId } from './types';

/** Ordered content checks for JSON inputs; the first match wins (most specific keys first). */
const jsonRules: [FormatId, (h: string) => boolean][] = [
  ['envoy-certs', (h) => /"certificates"\s*:/.test(h) && (/"(cert_chain|ca_cert)"\s*:/.test(h) || /"certificates"\s*:\s*\[\s*\]/.test(h))],
  ['k8s-audit', (h) => /"auditID"\s*:/.test(h) || /"apiVersion"\s*:\s*"audit\.k8s\.io\//.test(h)],
  ['hubble', (h) => /"flow"\s*:\s*\{/.test(h) || /"(node_status|lost_events)"\s*:/.test(h) || (/"verdict"\s*:/.test(h) && /"(IP|l4|source|destination)"\s*:/.test(h))],
  ['ztunnel-log', (h) => /"src\.(addr|identity|workload)"\s*:/.test(h)],
  ['envoy-access-log', (h) => /"(upstream_cluster|response_flags|downstream_remote_address|downstream_local_address|upstream_host)"\s*:/.test(h)],
  ['spiffe-bundle', (h) => /"spiffe_(refresh_hint|sequence)"\s*:/.test(h) || (/"keys"\s*:/.test(h) && /"use"\s*:\s*"(x509|jwt)-svid"/.test(h))],
  ['spire-log', (h) => /"msg"\s*:/.test(h) && /(spiffe_id|subsystem_name|SVID|X509 CA)/.test(h)],
  ['chrony', (h) => /"(tracking|stdout|output)"\s*:\s*"Reference ID/.test(h)],
  ['k8s-objects', (h) => /"apiVersion"\s*:/.test(h) && /"kind"\s*:/.test(h)],
];

/**
 * The format of an input from its first bytes (`head`, a few KiB), with the file name as a hint for
 * what content alone cannot tell. Undefined when nothing matches: callers then need an explicit format.
 */
export function detectFormat(name: string, head: string): FormatId | undefined {
  const h = head.replace(/^\uFEFF/, '');
  const first = h.trimStart();
  if (/^-----BEGIN [A-Z0-9 ]+-----/m.test(h)) return 'pem';
  if (first.startsWith('{') || first.startsWith('[')) return jsonRules.find(([, test]) => test(h))?.[0] ?? byName(name);
  if (/^\s*Reference ID\s*:/m.test(h)) return 'chrony';
  if (/^[0-9A-Fa-f]{8},[^,\n]*,\d+,[\d.]+,[-+\d.eE]+,/m.test(h)) return 'chrony-csv';
  if (/^(# (HELP|TYPE) )?node_timex_/m.test(h)) return 'timex';
  if (/^time="[^"]*"\s+level=\w+/m.test(h) && /(subsystem_name=|spiffe_id=|SVID|spire)/i.test(h)) return 'spire-log';
  if (/^\d{4}-\d{2}-\d{2}T\S+\s+\w+\s+access\s/m.test(h) || /\bsrc\.(identity|addr)=/.test(h)) return 'ztunnel-log';
  if (/^(apiVersion|kind):/m.test(h)) {
    const audit = /^apiVersion:\s*["']?audit\.k8s\.io\//m.test(h) && /^kind:\s*["']?Event(List)?["']?\s*$/m.test(h);
    return audit ? 'k8s-audit' : 'k8s-objects';
  }
  return byName(name);
}

function byName(name: string): FormatId | undefined {
  const n = name.toLowerCase();
  if (/\.(pem|crt|cer)$/.test(n)) return 'pem';
  if (/\.prom$/.test(n)) return 'timex';
  if (/\.ya?ml$/.test(n)) return 'k8s-objects';
  if (/chrony.*\.csv$/.test(n)) return 'chrony-csv';
  if (/chrony/.test(n)) return 'chrony';
  return undefined;
}
