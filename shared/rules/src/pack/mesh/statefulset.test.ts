import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../state/kube-object';
import { edited, firing, harness, namespace, resolved } from '../network/test-harness';
import { headlessPortUnnamed } from './headless-port-unnamed';
import { statefulsetSharedIdentity } from './statefulset-shared-identity';

/** The StatefulSet example of the Kubernetes docs (concepts/workloads/controllers/statefulset), applied in `db`. */
const [service, statefulSet] = parseAllDocuments(`
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  minReadySeconds: 10
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
`).map((d) => {
  const o = d.toJS() as KubeObject;
  return { ...o, metadata: { ...o.metadata, namespace: 'db' } };
}) as [KubeObject, KubeObject];

const meshed = namespace('db', { 'istio.io/rev': 'stable' });

describe('headless-port-unnamed', () => {
  const rule = headlessPortUnnamed;

  it('fires for the docs headless Service port "web" in a meshed namespace and resolves once it is named http-web', () => {
    const h = harness(rule);
    h.apply(meshed);
    const [fired] = firing(h.apply(service));
    expect(fired).toMatchObject({
      subject: { namespace: 'db', kind: 'Service', name: 'nginx' },
      evidence: { clusterIP: 'None', ports: [{ name: 'web', port: 80 }], meshed: { reason: 'namespace label istio.io/rev=stable' } },
    });
    expect(fired?.message).toBe('Headless Service db/nginx has port web (80) without an Istio protocol name or appProtocol');
    expect(resolved(h.apply(edited(service, (s) => (s.spec!.ports[0].name = 'http-web'))))).toHaveLength(1);
    expect(firing(h.apply(service))).toHaveLength(1);
    expect(resolved(h.apply(edited(service, (s) => (s.spec!.ports[0].appProtocol = 'http'))))).toHaveLength(1);
  });

  it('accepts Istio protocol names case-insensitively and skips UDP, ClusterIP services and unmeshed namespaces', () => {
    const h = harness(rule);
    h.apply(meshed, namespace('plain'));
    const named = edited(service, (s) => {
      s.spec!.ports = ['grpc-web', 'tcp', 'HTTP2-api', 'https', 'tls-peer', 'mongo'].map((name, i) => ({ name, port: 9000 + i }));
      s.spec!.ports.push({ name: 'dns', port: 53, protocol: 'UDP' }, { port: 7000, appProtocol: 'kubernetes.io/h2c' });
    });
    expect(h.apply(named)).toEqual([]);
    expect(firing(h.apply(edited(named, (s) => s.spec!.ports.push({ name: 'gossip-http', port: 7946 }))))[0]?.evidence).toMatchObject({ ports: [{ name: 'gossip-http' }] });
    expect(h.apply(edited(service, (s) => Object.assign(s.metadata, { name: 'nginx-clusterip' }) && delete s.spec!.clusterIP))).toEqual([]);
    expect(h.apply(edited(service, (s) => (s.metadata.namespace = 'plain')))).toEqual([]);
  });
});

describe('statefulset-shared-identity', () => {
  const rule = statefulsetSharedIdentity;

  it('fires for replicas running as the default ServiceAccount and resolves with a dedicated one', () => {
    const h = harness(rule);
    h.apply(meshed);
    const [fired] = firing(h.apply(statefulSet));
    expect(fired).toMatchObject({
      subject: { namespace: 'db', kind: 'StatefulSet', name: 'web' },
      evidence: { serviceAccount: 'default', replicas: 3, principal: 'cluster.local/ns/db/sa/default', usesDefaultServiceAccount: true, sharedWith: [] },
    });
    const dedicated = edited(statefulSet, (s) => (s.spec!.template.spec.serviceAccountName = 'web'));
    expect(resolved(h.apply(dedicated))).toHaveLength(1);
  });

  it('fires when another workload shares the ServiceAccount, not for one replica or outside the mesh', () => {
    const h = harness(rule);
    const dedicated = edited(statefulSet, (s) => (s.spec!.template.spec.serviceAccountName = 'web'));
    h.apply(meshed, dedicated);
    const backup: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup', namespace: 'db' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { serviceAccountName: 'web', restartPolicy: 'OnFailure', containers: [{ name: 'dump', image: 'registry.k8s.io/nginx-slim:0.24' }] } } } } },
    };
    const [fired] = firing(h.apply(backup));
    expect(fired?.evidence).toMatchObject({ serviceAccount: 'web', usesDefaultServiceAccount: false, sharedWith: ['CronJob/backup'] });
    expect(fired?.message).toBe('StatefulSet db/web (3 replicas) runs as ServiceAccount web, shared with CronJob/backup, so its peers cannot be told apart');
    expect(resolved(h.apply(edited(dedicated, (s) => (s.spec!.replicas = 1))))).toHaveLength(1);
    h.apply(namespace('plain'));
    expect(h.apply(edited(statefulSet, (s) => (s.metadata.namespace = 'plain')))).toEqual([]);
  });
});
