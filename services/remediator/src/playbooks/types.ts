import type { Subject } from '@ztv/events';
import type { FindingStatus, RemediationMode } from '@ztv/store';
import type { RemediatorSettings } from '../config';
import type { KubeObject, KubeOps, ObjectRef } from '../kube-ops';

/** The finding a playbook acts on (a findings row, or the fields of one). */
export interface FindingRef {
  id: string;
  ruleId: string;
  namespace: string | null;
  subject: Subject;
  evidence: Record<string, unknown>;
  status?: FindingStatus;
}

/** What a playbook acts on, derived from the finding. */
export interface Target {
  /** The namespace it changes (checked against the protected namespaces); absent for cluster-scoped targets. */
  namespace?: string;
  /** A node (cordon-node). */
  node?: string;
  /** One object (a Pod, a workload, a PeerAuthentication) when the finding names one. */
  object?: { kind: string; name: string };
  /** A ServiceAccount whose workloads to act on (certificate findings). */
  serviceAccount?: string;
  /** `namespace payments`, `Pod payments/web-1`: for records and messages. */
  describe: string;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; reasons: string[] };

export interface PlaybookContext {
  kube: KubeOps;
  finding: FindingRef;
  target: Target;
  settings: RemediatorSettings;
  mode: RemediationMode;
  remediationId: string;
  /** The run's clock: the same instant for the dry run and the apply of one run. */
  now: Date;
}

/** A precheck: refusals stop the playbook (status `refused`, with the reasons); notes are recorded with the plan. */
export interface Precheck {
  refusals: string[];
  notes: string[];
}

/**
 * One write. `apply`: server-side apply of an object ztv owns (never forced). `merge-patch`: a merge patch of a few
 * fields of someone else's object (see docs/remediation.md for why).
 */
export type Action =
  | { type: 'apply'; object: KubeObject; why: string }
  | { type: 'merge-patch'; ref: ObjectRef; patch: Record<string, unknown>; why: string };

export interface Check {
  check: string;
  ok: boolean;
  detail?: string;
}
export interface Verification {
  ok: boolean;
  checks: Check[];
}

/**
 * A playbook (DESIGN §6): small and declarative. The runner drives every one through the same steps: targets → read →
 * precheck → plan → server-side dry run → diff → record → apply (if the mode allows) → verify → record.
 */
export interface Playbook<S = unknown> {
  id: string;
  /** One sentence: what it changes. */
  describe: string;
  targets(finding: FindingRef): TargetResult;
  /** The current state the precheck and plan need (GETs and LISTs only). */
  read(ctx: PlaybookContext): Promise<S>;
  precheck(ctx: PlaybookContext, state: S): Precheck;
  /** The writes, in the order they must happen. Pure. */
  plan(ctx: PlaybookContext, state: S): Action[];
  /** Reads back what was applied and checks it has the intended effect. */
  verify(ctx: PlaybookContext, state: S): Promise<Verification>;
}

export const actionRef = (a: Action): ObjectRef =>
  a.type === 'apply'
    ? {
        apiVersion: a.object.apiVersion,
        kind: a.object.kind,
        ...(a.object.metadata.namespace ? { namespace: a.object.metadata.namespace } : {}),
        name: a.object.metadata.name,
      }
    : a.ref;
