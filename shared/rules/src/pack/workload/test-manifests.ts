import type { z } from 'zod';
import { defaultRulesConfig, type rulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import type { Rule } from '../../engine/types';
import { at, resourceEvent } from '../../testing';

/* Realistic manifests and an engine harness for the workload rule tests (not part of the package API). */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

/** A hardened container as a restricted-profile manifest has it; override what a test needs. */
export function hardenedContainer(name: string, image: string, over: Obj = {}): Obj {
  return {
    name,
    image,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...over,
  };
}

export const PINNED = 'ghcr.io/acme/cart@sha256:3f1d3c9ec0e8b4a7f0f2a8d1c5a3e7b9d2c4f6a8b0c2d4e6f8a0b2c4d6e8f0a1';

/** A Deployment in the shape `kubectl apply` users write, with a hardened pod template. */
export function deployment(name: string, namespace: string, spec: Obj = {}, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop' }, ...metadata },
    spec: {
      replicas: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/version': '1.4.2' } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [hardenedContainer(name, PINNED)],
          ...spec,
        },
      },
    },
  };
}

/** An uncontrolled Pod (as `kubectl run` or a bare manifest creates it). */
export function pod(name: string, namespace: string, spec: Obj = {}, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, labels: { run: name }, ...metadata },
    spec: { serviceAccountName: name, containers: [hardenedContainer(name, PINNED)], restartPolicy: 'Always', ...spec },
  };
}

/** The Pods a ReplicaSet of `owner` creates (carry a controller ownerReference). */
export function replicaPod(owner: Obj, suffix: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${owner.metadata.name}-7d9c8b6f5-${suffix}`,
      namespace: owner.metadata.namespace,
      labels: { ...owner.spec.template.metadata.labels, 'pod-template-hash': '7d9c8b6f5' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${owner.metadata.name}-7d9c8b6f5`, uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: owner.spec.template.spec,
  };
}

/** Deep copy with a change applied, for "fix it and see it resolve". */
export function edited(obj: Obj, change: (o: Obj) => void): Obj {
  const copy = structuredClone(obj);
  change(copy);
  return copy;
}

/** One rule in a RuleEngine fed k8s.resource events; returns the signals of each step. */
export function harness(rule: Rule, config: Partial<z.input<typeof rulesConfig>> = {}) {
  const engine = new RuleEngine({ rules: [rule], config: defaultRulesConfig(config), cluster: 'test', clock: at('2026-03-14T09:00:00Z') });
  return {
    engine,
    apply: (obj: Obj) => engine.process(resourceEvent(obj as never)).signals,
    remove: (obj: Obj) => engine.process(resourceEvent(obj as never, 'delete')).signals,
  };
}
