import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byIdentity, kubectlKustomize, renderKustomization, UnsupportedKustomizeFeature, type KObject } from './kustomize';
import { renderAll } from './render';

const variants = await renderAll();

describe('deploy/ renders the same with kubectl kustomize and with the fallback renderer', () => {
  it.each(variants.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const ids = v.fallback.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['Namespace//ztv', 'Deployment/ztv/ztv-collector', 'NetworkPolicy/ztv/default-deny']));
    // CI runs where kubectl is installed; a machine without it still renders, through the fallback alone.
    if (v.kubectl) expect(byIdentity(v.fallback)).toEqual(byIdentity(v.kubectl));
  });
});

/** A kustomization tree using every feature the fallback implements, in a temporary directory. */
function fixtureTree(overlay: string): string {
  const root = mkdtempSync(join(tmpdir(), 'ztv-kustomize-'));
  const write = (p: string, text: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  write('base/kustomization.yaml', 'namespace: app\nlabels:\n  - pairs: { team: sec }\nresources: [objects.yaml]\nimages:\n  - { name: app, newName: reg.example/app, digest: "sha256:' + 'a'.repeat(64) + '" }\n');
  write(
    'base/objects.yaml',
    `apiVersion: v1
kind: Namespace
metadata: { name: app }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { c: web } }
  template:
    metadata: { labels: { c: web } }
    spec:
      initContainers: [{ name: init, image: "tool:1.0" }]
      containers: [{ name: web, image: "app:2.0", args: [a, b] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: web }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: ServiceAccount, name: web, namespace: app }]
`,
  );
  write('component/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [cm.yaml]\n');
  write('component/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra, namespace: app }\ndata: { k: v }\n');
  write('overlay/kustomization.yaml', overlay);
  return join(root, 'overlay');
}

const overlay = `resources: [../base]
components: [../component]
labels:
  - pairs: { env: test }
replicas:
  - { name: web, count: 3 }
images:
  - { name: tool, newTag: "1.1" }
  - { name: reg.example/app, digest: "sha256:${'b'.repeat(64)}" }
patches:
  - target: { kind: Deployment, name: web }
    patch: |-
      - { op: add, path: /spec/template/spec/containers/0/args/-, value: c }
      - { op: remove, path: /spec/template/spec/containers/0/args/0 }
      - { op: replace, path: /spec/selector/matchLabels/c, value: web }
      - { op: add, path: /metadata/annotations, value: { a~b: "1" } }
  - target: { kind: ConfigMap }
    patch: |-
      - { op: replace, path: /data/k, value: patched }
`;

describe('the fallback renderer', () => {
  it('implements resources, components, namespace, labels, replicas, images and JSON patches as kustomize does', async () => {
    const dir = fixtureTree(overlay);
    const got = renderKustomization(dir);
    const expected: KObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', labels: { team: 'sec', env: 'test' } } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'app', labels: { team: 'sec', env: 'test' }, annotations: { 'a~b': '1' } },
        spec: {
          replicas: 3,
          selector: { matchLabels: { c: 'web' } },
          template: {
            metadata: { labels: { c: 'web' } },
            spec: {
              initContainers: [{ name: 'init', image: 'tool:1.1' }],
              containers: [{ name: 'web', image: `reg.example/app@sha256:${'b'.repeat(64)}`, args: ['b', 'c'] }],
            },
          },
        },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'web', labels: { team: 'sec', env: 'test' } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'app' }],
      },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'app', labels: { env: 'test' } }, data: { k: 'patched' } },
    ];
    expect(byIdentity(got)).toEqual(byIdentity(expected));
    const kubectl = await kubectlKustomize(dir);
    if (kubectl) expect(byIdentity(got)).toEqual(byIdentity(kubectl));
  });

  it.each([
    ['commonLabels', 'resources: [../base]\ncommonLabels: { a: b }\n', /"commonLabels" is not supported/],
    ['labels on selectors', 'resources: [../base]\nlabels:\n  - pairs: { a: b }\n    includeSelectors: true\n', /only metadata labels/],
    ['strategic-merge patches', 'resources: [../base]\npatches:\n  - target: { kind: Deployment }\n    patch: |-\n      spec: { replicas: 2 }\n', /strategic-merge/],
    ['patch files', 'resources: [../base]\npatches:\n  - path: p.yaml\n', /only inline JSON 6902/],
  ])('refuses %s instead of rendering them wrong', (_what, text, message) => {
    expect(() => renderKustomization(fixtureTree(text))).toThrow(UnsupportedKustomizeFeature);
    expect(() => renderKustomization(fixtureTree(text))).toThrow(message);
  });

  it('names the object and path when a patch does not apply', () => {
    const text = 'resources: [../base]\npatches:\n  - target: { kind: Deployment }\n    patch: |-\n      - { op: replace, path: /spec/nothing/here, value: 1 }\n';
    expect(() => renderKustomization(fixtureTree(text))).toThrow(/replace \/spec\/nothing\/here: nothing does not exist in Deployment\/web/);
  });
});
