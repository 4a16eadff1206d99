import type { JsonObject } from './json';
import { metadataOf, prepareCreate, prepareUpdate, present } from './objects';
import { recordUpdate } from './ownership';
import { findByKind, splitApiVersion, type ResourceType } from './registry';
import type { ObjectStore } from './store';

/** A Kubernetes object as tests hand it to the emulator and get it back. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** What seed() takes: any object with apiVersion, kind and metadata.name (client-node models included). */
export interface SeedInput {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

export function typeOf(apiVersion: string, kind: string): ResourceType {
  const t = findByKind(apiVersion, kind);
  if (!t) throw new Error(`k8s emulator: ${apiVersion} ${kind} is not a registered kind (see registry.ts)`);
  return t;
}

/**
 * Creates or replaces an object the way a cluster admin would, bypassing the HTTP API: status is kept as
 * given (even for kinds with a status subresource), and the fields are recorded for `fieldManager`, so a
 * later server-side apply by another manager conflicts as it would against kubectl-created objects.
 */
export function seedObject(store: ObjectStore, input: SeedInput, fieldManager: string): KubeObject {
  if (!input.apiVersion || !input.kind || !input.metadata?.name) {
    throw new Error('k8s emulator: seed() needs apiVersion, kind and metadata.name');
  }
  const t = typeOf(input.apiVersion, input.kind);
  const obj = structuredClone(input) as JsonObject;
  const meta = metadataOf(obj);
  if (t.namespaced) meta.namespace ??= 'default';
  else delete meta.namespace;
  const current = store.get(t, meta.namespace as string | undefined, input.metadata.name);
  const status = (input as { status?: unknown }).status;
  const version = splitApiVersion(input.apiVersion).version;
  let stored: JsonObject;
  if (current) {
    const next = prepareUpdate(t, current, obj);
    if (status !== undefined) next.status = structuredClone(status);
    recordUpdate(current, next, fieldManager);
    stored = store.commit(t, 'MODIFIED', next, current);
  } else {
    prepareCreate(t, obj);
    if (status !== undefined) obj.status = structuredClone(status);
    recordUpdate(undefined, obj, fieldManager);
    stored = store.commit(t, 'ADDED', obj);
  }
  return present(t, version, stored) as KubeObject;
}
