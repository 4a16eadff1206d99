import { describe, expect, it } from 'vitest';
import { schemaError, unknownFields } from './k8s-schema';
import { renderAll } from './render';

const variants = await renderAll();
const cases = variants.flatMap((v) => v.objects.map((o) => [`${v.name}: ${o.kind}/${o.metadata.name}`, o] as const));

describe('every rendered object is valid against the Kubernetes schemas', () => {
  it.each(cases)('%s', (_name, o) => {
    expect(schemaError(o)).toBeUndefined();
    expect(unknownFields(o)).toEqual([]);
  });
});

describe('the schema checks are not vacuous', () => {
  const deployment = variants[1]!.objects.find((o) => o.kind === 'Deployment')!;
  it('reports a wrong type and an unknown enum value', () => {
    expect(schemaError({ ...deployment, spec: { ...(deployment.spec as object), replicas: 'two' } })).toMatch(/replicas must be integer/);
    const np = variants[1]!.objects.find((o) => o.kind === 'NetworkPolicy')!;
    expect(schemaError({ ...np, spec: { ...(np.spec as object), policyTypes: ['Sideways'] } })).toMatch(/policyTypes\/0 must be equal to one of the allowed values/);
  });
  it('reports a misspelt field at its path', () => {
    const bad = structuredClone(deployment) as typeof deployment & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    bad.spec.template.spec.containers[0]!.readinesProbe = {};
    expect(unknownFields(bad)).toEqual([`Deployment/${deployment.metadata.name}.spec.template.spec.containers[0].readinesProbe`]);
  });
  it('knows no schema for kinds it was not given', () => {
    expect(schemaError({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toBe('no schema for example.com/v1 Widget');
  });
});
