import type { EventType, Severity, Subject, ZtvEvent } from '@ztv/events';
import type { RulesConfig } from '../config';
import type { ClusterState, KeptIndex, StateSlice } from '../state/cluster-state';

export type Area = 'certificates' | 'clock' | 'network-policy' | 'mtls' | 'authorization' | 'workload' | 'audit' | 'flows';

/** The metadata every rule carries (DESIGN §4; Falco-style tags). */
export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  area: Area;
  rationale: string;
  /** What makes a firing finding resolve (state rules) — used in docs/rules.md. */
  resolvesWhen: string;
  remediation: { playbook?: string; manual: string };
  references: string[];
  tags?: string[];
  /** Config keys this rule reads, for docs. */
  thresholds?: string[];
  /** State slices this rule reads; the engine keeps them up to date. */
  slices?: StateSlice<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Kept indexes this rule reads (ClusterState.kept): the engine starts them with its state, so they are kept current
   * from the first event on instead of built whole from the index when a rule first asks (one event would pay for
   * every Pod in the cluster). Not listing one is not wrong, only that first event slower.
   */
  indexes?: KeptIndex<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A violation a rule found. `scope` is the unit the rule re-checked (see StateRule). */
export interface Violation {
  subject: Subject;
  message: string;
  evidence: Record<string, unknown>;
  /** Overrides the rule's severity (e.g. clock-drift critical above a bound). */
  severity?: Severity;
  /** The object the subject names, for label-selector and annotation exceptions. */
  object?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** The acting principal, for audit rules' principal exceptions. */
  principal?: string;
}

export interface RuleContext {
  state: ClusterState;
  config: RulesConfig;
  /** Injected clock: rules never call Date.now(). */
  now: Date;
  cluster: string;
}

/**
 * A state rule fires while a condition holds and resolves when it clears. The engine asks which scopes an event
 * touches, re-checks each scope whole, and diffs the result against what was firing in that scope.
 */
export interface StateRule extends RuleMeta {
  kind: 'state';
  on: EventType[];
  /** Scopes whose verdict may change after this event (already applied to the state). */
  scopesFor(event: ZtvEvent, ctx: RuleContext): string[];
  /**
   * Scopes this event may change but that are better re-checked a little later, at the next tick: what a deleted
   * controller leaves behind is normally deleted next by the garbage collector, and re-checking it at once would
   * open a finding only to resolve it; if it is still there at the tick (orphaned), it is checked then.
   */
  deferredScopesFor?(event: ZtvEvent, ctx: RuleContext): string[];
  /**
   * The object kinds whose k8s.resource events can touch this rule's scopes, when that is a fixed list: the engine does
   * not ask scopesFor about the others (it would answer []).
   */
  resourceKinds?: readonly string[];
  /** Likewise the k8s.resource operations (`upsert`, `delete`) that can touch its scopes, when not both. */
  resourceOps?: readonly ('upsert' | 'delete')[];
  /** Every scope there is, for a full evaluation (offline `ztv evaluate`, ticks). */
  allScopes(ctx: RuleContext): string[];
  check(scope: string, ctx: RuleContext): Violation[];
  /** Re-check on clock ticks (certificate expiry, stale readings). */
  timeDependent?: boolean;
}

/** An event rule fires per occurrence; the alerter resolves it after `quietPeriodSeconds`. */
export interface EventRule extends RuleMeta {
  kind: 'event';
  on: EventType[];
  check(event: ZtvEvent, ctx: RuleContext): Violation[];
  /** Defaults to config.eventQuietPeriodSeconds. */
  quietPeriodSeconds?: number;
}

export type Rule = StateRule | EventRule;

/** The closed set of outcomes (Kyverno-style): an error is never a violation. */
export type Outcome =
  | { kind: 'fire'; ruleId: string; fingerprint: string; violation: Violation }
  | { kind: 'resolve'; ruleId: string; fingerprint: string; subject: Subject }
  | { kind: 'suppressed'; ruleId: string; fingerprint: string; violation: Violation; reason: string }
  | { kind: 'error'; ruleId: string; eventId: string; error: string };
