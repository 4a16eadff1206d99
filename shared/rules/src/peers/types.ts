import type { z } from 'zod';
import type { rulesConfig } from '../config';

/** A Kubernetes object as a peer's fixture holds it. */
export interface FixtureObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** A peer's verdict on one object. `skip` (Kyverno: the policy did not apply) counts as not a violation. */
export type TheirVerdict = 'pass' | 'fail' | 'skip';
/** Ours: `pending` when none of the mapped rules is in the pack yet; `error` when a mapped rule threw. */
export type OurVerdict = 'pass' | 'fail' | 'pending' | 'error';

/** One step of a case: apply an object (optionally carrying their verdict on it), or read a verdict later (a report). */
export type Step =
  | { op: 'apply'; obj: FixtureObject; theirs?: TheirVerdict; rejected?: boolean }
  | { op: 'delete'; obj: FixtureObject }
  | { op: 'probe'; ref: ObjectRef; theirs: TheirVerdict };

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * One evaluation context. `batch`: everything is applied, then verdicts are read (Kubescape scans, Kyverno CLI
 * tests). `sequential`: a verdict is read right after its object is applied and an object the peer rejected is
 * removed again, as admission would have kept it out (Kyverno chainsaw tests against a live cluster).
 */
export interface PeerCase {
  label: string;
  mode: 'batch' | 'sequential';
  steps: Step[];
}

/** Restricts "our rule fired" to the part of our rule the peer's control checks. */
export interface Facet {
  describe: string;
  holds(evidence: Record<string, unknown>): boolean;
}

/** A peer control that overlaps rules of ours, and how to read its fixtures. */
export interface PeerControl {
  /** Stable id, e.g. `kyverno/require-drop-all` or `kubescape/C-0046`. */
  id: string;
  peer: 'Kyverno' | 'Kubescape';
  /** Their policy / control and rule, as they name it. */
  theirs: string;
  /** Our rule ids; a resource fails with us when any of them fires for its subject. */
  ours: string[];
  facet?: Facet;
  /** Config for our engine so both sides check the same parameters (e.g. their registry list). */
  config?: Partial<z.input<typeof rulesConfig>>;
  /**
   * Cluster context their policy takes for granted and their fixtures leave out, merged into every Namespace (e.g.
   * Istio policies assume meshed namespaces). Stated in the report.
   */
  assume?: { namespaceLabels: Record<string, string>; describe: string };
  /** How their definition relates to ours, in a sentence. */
  relation: string;
  cases(): PeerCase[];
}

/** One compared object. */
export interface Row {
  control: string;
  case: string;
  /** `Pod default/badpod01`. */
  resource: string;
  theirs: TheirVerdict;
  ours: OurVerdict;
}
