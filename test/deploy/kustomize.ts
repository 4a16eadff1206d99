import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

export type KObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: unknown };

/** Kinds without a namespace, among those ztv's manifests use (the namespace transformer leaves them alone). */
const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'Node', 'PersistentVolume', 'CustomResourceDefinition', 'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);
const scalable = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);
const supported = new Set(['apiVersion', 'kind', 'resources', 'components', 'namespace', 'labels', 'images', 'replicas', 'patches']);

interface Kustomization {
  kind?: string;
  resources?: string[];
  components?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { patch?: string; path?: string; target?: { kind?: string; name?: string; group?: string; version?: string } }[];
}

export class UnsupportedKustomizeFeature extends Error {
  override readonly name = 'UnsupportedKustomizeFeature';
}

/**
 * A renderer for exactly the kustomize features deploy/ uses, with kustomize's semantics, for machines without
 * kubectl: resources (files and directories), components, namespace, labels (metadata only), images, replicas and
 * JSON 6902 patches with a kind/name target, applied in kustomize's order (patches, namespace, labels, replicas,
 * images). Anything else throws UnsupportedKustomizeFeature, so a new feature in deploy/ cannot be rendered wrong.
 */
export function renderKustomization(dir: string): KObject[] {
  const k = readKustomization(dir);
  let objects: KObject[] = [];
  for (const r of k.resources ?? []) {
    const p = resolve(dir, r);
    objects.push(...(statSync(p).isDirectory() ? renderKustomization(p) : readObjects(p)));
  }
  for (const c of k.components ?? []) {
    const ck = readKustomization(resolve(dir, c));
    if (ck.kind !== 'Component') throw new UnsupportedKustomizeFeature(`${c}: components must be kind Component`);
    for (const r of ck.resources ?? []) objects.push(...readObjects(resolve(dir, c, r)));
    objects = transform(ck, objects);
  }
  return transform(k, objects);
}

function readKustomization(dir: string): Kustomization {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const k = parseAllDocuments(readFileSync(file, 'utf8'))[0]!.toJS() as Kustomization & Record<string, unknown>;
  for (const key of Object.keys(k)) if (!supported.has(key)) throw new UnsupportedKustomizeFeature(`${file}: "${key}" is not supported by the fallback renderer`);
  return k;
}

function readObjects(file: string): KObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KObject | null)
    .filter((o): o is KObject => o !== null);
}

function transform(k: Kustomization, input: KObject[]): KObject[] {
  const objects = structuredClone(input);
  for (const p of k.patches ?? []) {
    if (!p.patch || p.path || !p.target?.kind) throw new UnsupportedKustomizeFeature('patches: only inline JSON 6902 patches with a kind target are supported');
    const ops = parseAllDocuments(p.patch)[0]!.toJS() as JsonPatchOp[];
    if (!Array.isArray(ops)) throw new UnsupportedKustomizeFeature('patches: strategic-merge patches are not supported');
    for (const o of objects.filter((o) => matches(o, p.target!))) for (const op of ops) applyOp(o, op);
  }
  if (k.namespace) {
    for (const o of objects) {
      if (!clusterScoped.has(o.kind)) o.metadata.namespace = k.namespace;
      if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
        for (const s of (o.subjects as { kind: string; namespace?: string }[] | undefined) ?? []) {
          if (s.kind === 'ServiceAccount' && (s.namespace === undefined || s.namespace === 'default')) {
            throw new UnsupportedKustomizeFeature(`${o.metadata.name}: give ServiceAccount subjects their namespace explicitly`);
          }
        }
      }
    }
  }
  for (const l of k.labels ?? []) {
    if (l.includeSelectors || l.includeTemplates) throw new UnsupportedKustomizeFeature('labels: only metadata labels (no includeSelectors/includeTemplates)');
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...l.pairs };
  }
  for (const r of k.replicas ?? []) {
    for (const o of objects) if (scalable.has(o.kind) && o.metadata.name === r.name) (o.spec as { replicas?: number }).replicas = r.count;
  }
  for (const image of k.images ?? []) for (const o of objects) setImages(o, image);
  return objects;
}

function matches(o: KObject, t: NonNullable<Kustomization['patches']>[number]['target'] & object): boolean {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return (
    o.kind === t.kind && (t.name === undefined || o.metadata.name === t.name) && (t.group === undefined || t.group === group) && (t.version === undefined || t.version === version)
  );
}

type JsonPatchOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };

/** RFC 6902 add / replace / remove with RFC 6901 pointers. */
function applyOp(doc: KObject, op: JsonPatchOp): void {
  if (!['add', 'replace', 'remove'].includes(op.op)) throw new UnsupportedKustomizeFeature(`JSON patch op "${op.op}"`);
  const keys = op.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop()!;
  let at: unknown = doc;
  for (const key of keys) {
    at = (at as Record<string, unknown>)[key];
    if (at === undefined || at === null || typeof at !== 'object') throw new Error(`JSON patch ${op.op} ${op.path}: ${key} does not exist in ${doc.kind}/${doc.metadata.name}`);
  }
  if (Array.isArray(at)) {
    const i = last === '-' ? at.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > at.length || (op.op !== 'add' && i >= at.length)) throw new Error(`JSON patch ${op.op} ${op.path}: bad index`);
    if (op.op === 'add') at.splice(i, 0, structuredClone(op.value));
    else if (op.op === 'replace') at[i] = structuredClone(op.value);
    else at.splice(i, 1);
    return;
  }
  const obj = at as Record<string, unknown>;
  if (op.op !== 'add' && !(last in obj)) throw new Error(`JSON patch ${op.op} ${op.path}: no such member in ${doc.kind}/${doc.metadata.name}`);
  if (op.op === 'remove') delete obj[last];
  else obj[last] = structuredClone(op.value);
}

/** kustomize's image transformer: every container image whose name (sans tag and digest) is `name`. */
function setImages(node: unknown, image: NonNullable<Kustomization['images']>[number]): void {
  if (Array.isArray(node)) return node.forEach((n) => setImages(n, image));
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (['containers', 'initContainers', 'ephemeralContainers'].includes(key) && Array.isArray(value)) {
      for (const c of value as { image?: string }[]) if (typeof c.image === 'string') c.image = retag(c.image, image);
    } else setImages(value, image);
  }
}

function retag(ref: string, image: NonNullable<Kustomization['images']>[number]): string {
  const at = ref.indexOf('@');
  const withoutDigest = at >= 0 ? ref.slice(0, at) : ref;
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  if (name !== image.name) return ref;
  const suffix = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : ref.slice(name.length);
  return `${image.newName ?? name}${suffix}`;
}

/** `kubectl kustomize <dir>`, or undefined when kubectl is not installed. */
export async function kubectlKustomize(dir: string): Promise<KObject[] | undefined> {
  try {
    const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], { maxBuffer: 32 * 1024 * 1024 });
    return parseAllDocuments(stdout).map((d) => d.toJS() as KObject).filter(Boolean);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A stable order for comparing renders: kustomize sorts by kind priority, the fallback keeps input order. */
export function byIdentity(objects: KObject[]): KObject[] {
  const id = (o: KObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return [...objects].sort((a, b) => id(a).localeCompare(id(b)));
}
