import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlKustomize, renderKustomization, type KObject } from './kustomize';

export const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));

export interface Rendered {
  name: string;
  dir: string;
  /** What gets applied: kubectl's render where kubectl exists, the fallback's otherwise. */
  objects: KObject[];
  fallback: KObject[];
  /** undefined on a machine without kubectl. */
  kubectl: KObject[] | undefined;
}

/** prod plus the optional clock-probe component, as an overlay that enables it would render. */
function withClockProbe(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztv-deploy-'));
  const rel = (p: string) => relative(dir, join(deployDir, p));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${rel('overlays/prod')}\ncomponents:\n  - ${rel('components/clock-probe')}\n`,
  );
  return dir;
}

export async function render(name: string, dir: string): Promise<Rendered> {
  const fallback = renderKustomization(dir);
  const kubectl = await kubectlKustomize(dir);
  return { name, dir, objects: kubectl ?? fallback, fallback, kubectl };
}

/** Every variant deploy/ supports: the two overlays, and prod with the clock probe. */
export function renderAll(): Promise<Rendered[]> {
  return Promise.all([
    render('dev', join(deployDir, 'overlays/dev')),
    render('prod', join(deployDir, 'overlays/prod')),
    render('prod + clock-probe', withClockProbe()),
  ]);
}

/** The pod template (and its owner) of a workload object, if it has one. */
export function podTemplate(o: KObject): { labels: Record<string, string>; spec: PodSpec } | undefined {
  const spec = o.spec as { template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } } | undefined;
  if (!spec?.template) return undefined;
  return { labels: spec.template.metadata?.labels ?? {}, spec: spec.template.spec };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: unknown } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; privileged?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: unknown; secret?: { secretName: string }; configMap?: { name: string } }[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}
