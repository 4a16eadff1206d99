import * as k8s from '@kubernetes/client-node';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { KObject } from './kustomize';

const modelsByApiVersion: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
};

type Validatable = new (data: unknown) => { validate(): void };

/**
 * Validates an object against the Kubernetes OpenAPI schema as kubernetes-models compiles it (types, enums,
 * required fields). Returns the error, or undefined when valid; an unknown apiVersion/kind is an error.
 */
export function schemaError(o: KObject): string | undefined {
  const Model = modelsByApiVersion[o.apiVersion]?.[o.kind] as Validatable | undefined;
  if (!Model) return `no schema for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

type Attr = { baseName: string; type: string };
const attributeMap = (type: string): Attr[] | undefined =>
  (k8s as unknown as Record<string, { getAttributeTypeMap?: () => Attr[] }>)[type]?.getAttributeTypeMap?.();

/**
 * Fields the Kubernetes API does not know (a typo the API server would drop or, with strict field validation,
 * refuse), found by walking the object along @kubernetes/client-node's generated model of the kind.
 */
export function unknownFields(o: KObject): string[] {
  const out: string[] = [];
  const walk = (value: unknown, type: string, path: string) => {
    const array = /^Array<(.+)>$/.exec(type);
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (array && Array.isArray(value)) return value.forEach((v, i) => walk(v, array[1]!, `${path}[${i}]`));
    if (map && value && typeof value === 'object') return Object.entries(value).forEach(([k, v]) => walk(v, map[1]!, `${path}.${k}`));
    const attrs = attributeMap(type);
    if (!attrs || value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      const attr = attrs.find((a) => a.baseName === key);
      if (!attr) out.push(`${path}.${key}`);
      else walk(v, attr.type, `${path}.${key}`);
    }
  };
  const root = `V1${o.kind}`;
  if (!attributeMap(root)) return [`no client-node model ${root}`];
  walk(o, root, `${o.kind}/${o.metadata.name}`);
  return out;
}
