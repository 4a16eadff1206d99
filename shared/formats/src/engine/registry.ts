import { auditRecord } from '../audit/parse-audit';
import { parseChronyCsv } from '../clock/chrony-csv';
import { parseChronyTracking } from '../clock/chrony';
import { parseTimexMetrics } from '../clock/timex';
import { parseEnvoyAccessLog } from '../envoy/access-log';
import { envoyCertsRecord } from '../envoy/certs';
import { ztunnelParser } from '../envoy/ztunnel';
import { hubbleRecord } from '../hubble/parse-flow';
import { kubeRecord } from '../kube/parse-object';
import { spireParser } from '../spire/spire-log';
import type { FormatId } from '../types';
import { pemDocument } from '../x509/pem';
import { spiffeBundleRecord } from '../x509/spiffe-bundle';
import type { Handler } from './handler';

/** How each format is fed (see Handler). */
export const handlers: Record<FormatId, Handler> = {
  'k8s-audit': { kind: 'records', yaml: true, record: auditRecord },
  'k8s-objects': { kind: 'records', yaml: true, record: kubeRecord },
  hubble: { kind: 'records', yaml: false, record: hubbleRecord },
  'envoy-access-log': { kind: 'records', yaml: false, record: parseEnvoyAccessLog },
  'envoy-certs': { kind: 'records', yaml: false, record: envoyCertsRecord },
  'spiffe-bundle': { kind: 'records', yaml: false, record: spiffeBundleRecord },
  'ztunnel-log': { kind: 'lines', open: ztunnelParser },
  'spire-log': { kind: 'lines', open: spireParser },
  pem: { kind: 'document', parse: pemDocument },
  chrony: { kind: 'document', parse: parseChronyTracking },
  'chrony-csv': { kind: 'document', parse: parseChronyCsv },
  timex: { kind: 'document', parse: parseTimexMetrics },
};

