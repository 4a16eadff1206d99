import { findingFingerprint, signalIdOf, type Signal, type Subject, type ZtvEvent } from '@ztv/events';
import type { RulesConfig } from '../config';
import { ClusterState, type StateSlice } from '../state/cluster-state';
import { exceptionFor } from './exceptions';
import type { EventRule, Outcome, Rule, RuleContext, StateRule, Violation } from './types';

export interface EngineOptions {
  rules: Rule[];
  config: RulesConfig;
  cluster: string;
  /** Injected clock. */
  clock?: () => Date;
}

export interface EngineResult {
  signals: Signal[];
  outcomes: Outcome[];
}

interface Firing {
  subject: Subject;
  severity: string;
  /** The exception that suppressed it when it was last said (undefined: not suppressed). */
  suppressedBy: string | undefined;
}

/**
 * A rule as process() reads it for every event: the same class for every rule. The rules themselves are object literals
 * of many shapes (spread metadata, optional hooks), and reading `kind`, `check`, `scopesFor`... off them at one call
 * site made every such read megamorphic (a generic lookup each, several per rule per event).
 */
class Step {
  readonly id: string;
  readonly isEvent: boolean;
  /** Event rules: the quiet period (undefined: the config's). */
  readonly quiet: number | undefined;
  readonly eventCheck: EventRule['check'] | undefined;
  readonly scopesFor: StateRule['scopesFor'] | undefined;
  readonly deferredScopesFor: StateRule['deferredScopesFor'];
  /** A state rule that reads no slice: its verdicts depend on the resource index (and config and clock) alone. */
  readonly indexOnly: boolean;

  constructor(readonly rule: Rule) {
    this.id = rule.id;
    this.isEvent = rule.kind === 'event';
    this.quiet = rule.kind === 'event' ? rule.quietPeriodSeconds : undefined;
    this.eventCheck = rule.kind === 'event' ? rule.check : undefined;
    this.scopesFor = rule.kind === 'state' ? rule.scopesFor : undefined;
    this.deferredScopesFor = rule.kind === 'state' ? rule.deferredScopesFor : undefined;
    this.indexOnly = rule.kind === 'state' && !rule.slices?.length;
  }
}

/**
 * Runs every rule through the same steps: match (event type) → state (applied first) → evaluate → exceptions →
 * outcome. State rules are diffed per scope against what was firing, so a clear condition emits `resolved`.
 */
export class RuleEngine {
  readonly state: ClusterState;
  private readonly rules: Rule[];
  private readonly clock: () => Date;
  /** ruleId → scope → fingerprint → what is firing. */
  private readonly firing = new Map<string, Map<string, Map<string, Firing>>>();
  /** The rules each event type triggers, in pack order (the match step, done once instead of per event). */
  private readonly rulesByType = new Map<string, Step[]>();
  /**
   * The same for k8s.resource events of each object kind and op: rules whose resourceKinds or resourceOps leave it out
   * are not asked. `unchanged`: an upsert the index kept its object for (ClusterState.changedNothing) asks only the
   * event rules and the state rules that read slices; the others' verdicts cannot have moved.
   */
  private readonly rulesByKind = new Map<string, { upsert: Step[]; delete: Step[]; unchanged: Step[] }>();
  /** Scopes to re-check at the next tick (StateRule.deferredScopesFor), per rule id. */
  private readonly deferred = new Map<string, Set<string>>();

  constructor(private readonly opts: EngineOptions) {
    this.rules = opts.rules;
    for (const r of opts.rules) {
      const step = new Step(r);
      for (const t of new Set(r.on)) this.rulesByType.set(t, [...(this.rulesByType.get(t) ?? []), step]);
    }
    this.clock = opts.clock ?? (() => new Date());
    const slices = new Map<string, StateSlice<unknown>>();
    for (const r of opts.rules) for (const s of r.slices ?? []) slices.set(s.name, s);
    this.state = new ClusterState([...slices.values()]);
    for (const r of opts.rules) for (const k of r.indexes ?? []) this.state.kept(k);
  }

  get config(): RulesConfig {
    return this.opts.config;
  }

  /** Applies an event to the state without evaluating (rebuilding state from the changelog). */
  load(event: ZtvEvent): void {
    this.state.apply(event, this.opts.config);
  }

  process(event: ZtvEvent): EngineResult {
    this.state.apply(event, this.opts.config);
    const ctx = this.context();
    const out: EngineResult = { signals: [], outcomes: [] };
    const rules = event.type === 'k8s.resource' ? this.resourceRules(event) : (this.rulesByType.get(event.type) ?? []);
    for (const step of rules) {
      try {
        if (step.isEvent) {
          const violations = (step.eventCheck as EventRule['check'])(event, ctx);
          if (violations.length) {
            const quiet = step.quiet ?? ctx.config.eventQuietPeriodSeconds;
            for (const v of violations) this.emit(step.rule, v, event, ctx, out, quiet);
          }
        } else {
          const scopes = (step.scopesFor as StateRule['scopesFor'])(event, ctx);
          if (scopes.length) this.runScopes(step.rule as StateRule, scopes, event, ctx, out);
          const later = step.deferredScopesFor?.(event, ctx);
          if (later?.length) {
            let set = this.deferred.get(step.id);
            if (!set) this.deferred.set(step.id, (set = new Set()));
            for (const scope of later) set.add(scope);
          }
        }
      } catch (err) {
        out.outcomes.push({ kind: 'error', ruleId: step.id, eventId: event.id, error: errorText(err) });
      }
    }
    return out;
  }

  /**
   * Re-checks every scope of every state rule (or only time-dependent ones): the offline evaluation, and the
   * periodic tick that notices certificates expiring with no new event. `trigger` names the tick in signal ids.
   */
  evaluateAll(trigger: { id: string; type: string; time: string }, onlyTimeDependent = false): EngineResult {
    const ctx = this.context();
    const out: EngineResult = { signals: [], outcomes: [] };
    for (const rule of this.rules) {
      if (rule.kind !== 'state' || (onlyTimeDependent && !rule.timeDependent)) continue;
      try {
        this.runScopes(rule, rule.allScopes(ctx), trigger, ctx, out);
      } catch (err) {
        out.outcomes.push({ kind: 'error', ruleId: rule.id, eventId: trigger.id, error: errorText(err) });
      }
    }
    // A tick also runs the re-checks deferred to it; a full evaluation has just checked everything.
    if (onlyTimeDependent) this.runDeferred(trigger, ctx, out);
    else this.deferred.clear();
    return out;
  }

  /** Runs the re-checks deferred to the next tick now (see StateRule.deferredScopesFor); `trigger` names them in signal ids. */
  evaluateDeferred(trigger: Trigger): EngineResult {
    const out: EngineResult = { signals: [], outcomes: [] };
    this.runDeferred(trigger, this.context(), out);
    return out;
  }

  private runDeferred(trigger: Trigger, ctx: RuleContext, out: EngineResult): void {
    if (!this.deferred.size) return;
    const due = [...this.deferred];
    this.deferred.clear();
    for (const [ruleId, scopes] of due) {
      const rule = this.rules.find((r) => r.id === ruleId);
      if (rule?.kind !== 'state') continue;
      try {
        this.runScopes(rule, [...scopes], trigger, ctx, out);
      } catch (err) {
        out.outcomes.push({ kind: 'error', ruleId: rule.id, eventId: trigger.id, error: errorText(err) });
      }
    }
  }

  /**
   * Every current violation of every state rule, at the clock's now, as firing signals — without changing what
   * the engine remembers as firing. The offline evaluation's final step.
   */
  snapshot(trigger: Trigger = { id: 'snapshot', type: 'snapshot', time: this.clock().toISOString() }): EngineResult {
    const ctx = this.context();
    const out: EngineResult = { signals: [], outcomes: [] };
    for (const rule of this.rules) {
      if (rule.kind !== 'state') continue;
      try {
        for (const scope of new Set(rule.allScopes(ctx))) for (const v of rule.check(scope, ctx)) this.emit(rule, v, trigger, ctx, out);
      } catch (err) {
        out.outcomes.push({ kind: 'error', ruleId: rule.id, eventId: trigger.id, error: errorText(err) });
      }
    }
    return out;
  }

  /** The rules a k8s.resource event (applied already) asks (see rulesByKind). */
  private resourceRules(event: ZtvEvent & { type: 'k8s.resource' }): Step[] {
    let rules = this.rulesByKind.get(event.data.kind);
    if (!rules) {
      const kind = event.data.kind;
      const all = (this.rulesByType.get('k8s.resource') ?? []).filter(({ rule: r }) => r.kind === 'event' || !r.resourceKinds || r.resourceKinds.includes(kind));
      const forOp = (op: 'upsert' | 'delete') => all.filter(({ rule: r }) => r.kind === 'event' || !r.resourceOps || r.resourceOps.includes(op));
      const upsert = forOp('upsert');
      rules = { upsert, delete: forOp('delete'), unchanged: upsert.filter((s) => !s.indexOnly) };
      this.rulesByKind.set(kind, rules);
    }
    if (event.data.op === 'delete') return rules.delete;
    return this.state.changedNothing(event) ? rules.unchanged : rules.upsert;
  }

  private context(): RuleContext {
    return { state: this.state, config: this.opts.config, now: this.clock(), cluster: this.opts.cluster };
  }

  private runScopes(rule: StateRule, scopes: string[], trigger: Trigger, ctx: RuleContext, out: EngineResult): void {
    if (!scopes.length) return; // the common case: the event cannot change this rule's verdicts
    let byScope = this.firing.get(rule.id);
    if (!byScope) this.firing.set(rule.id, (byScope = new Map()));
    for (const scope of scopes.length === 1 ? scopes : new Set(scopes)) {
      // A scope is checked whole: a throw here leaves its previous verdict in place (error ≠ violation).
      const violations = rule.check(scope, ctx);
      const was = byScope.get(scope);
      if (!violations.length && !was) continue; // clear before and after: nothing to say
      const before = was ?? new Map<string, Firing>();
      const now = new Map<string, Firing>();
      for (const v of violations) {
        const [fp, suppressedBy] = this.emitIfNew(rule, v, trigger, ctx, out, before);
        now.set(fp, { subject: v.subject, severity: v.severity ?? rule.severity, suppressedBy });
      }
      for (const [fp, f] of before) {
        if (now.has(fp)) continue;
        out.outcomes.push({ kind: 'resolve', ruleId: rule.id, fingerprint: fp, subject: f.subject });
        out.signals.push(this.signal(rule, f.subject, fp, 'resolved', trigger, ctx, {
          message: `${rule.title}: no longer the case`,
          evidence: {},
          severity: f.severity as Signal['severity'],
        }));
      }
      if (now.size) byScope.set(scope, now);
      else byScope.delete(scope);
    }
  }

  /**
   * Emits a firing signal unless the same subject was already firing with the same severity and the same exception
   * (or none): an exception added or removed while the condition holds is news too (suppressed / unsuppressed).
   * Returns its fingerprint and the exception that applies.
   */
  private emitIfNew(rule: StateRule, v: Violation, trigger: Trigger, ctx: RuleContext, out: EngineResult, before: Map<string, Firing>): [string, string | undefined] {
    const subject = { cluster: ctx.cluster, ...v.subject };
    const fp = findingFingerprint(rule.id, ctx.cluster, subject);
    const reason = exceptionFor(rule.id, v, ctx);
    const prev = before.get(fp);
    if (prev && prev.severity === (v.severity ?? rule.severity) && prev.suppressedBy === reason) return [fp, reason];
    this.emit(rule, v, trigger, ctx, out, undefined, reason);
    return [fp, reason];
  }

  /** `reason`: the exception that applies, when the caller knows it already (undefined is asked again). */
  private emit(rule: Rule, v: Violation, trigger: Trigger, ctx: RuleContext, out: EngineResult, quiet?: number, reason = exceptionFor(rule.id, v, ctx)): void {
    const subject = { cluster: ctx.cluster, ...v.subject };
    const fp = findingFingerprint(rule.id, ctx.cluster, subject);
    const sig = this.signal(rule, subject, fp, 'firing', trigger, ctx, v, quiet);
    if (reason) {
      sig.suppressedBy = reason;
      out.outcomes.push({ kind: 'suppressed', ruleId: rule.id, fingerprint: fp, violation: v, reason });
    } else {
      out.outcomes.push({ kind: 'fire', ruleId: rule.id, fingerprint: fp, violation: v });
    }
    out.signals.push(sig);
  }

  private signal(
    rule: Rule,
    subject: Subject,
    fingerprint: string,
    transition: Signal['transition'],
    trigger: Trigger,
    ctx: RuleContext,
    v: Pick<Violation, 'message' | 'evidence' | 'severity'>,
    quiet?: number,
  ): Signal {
    const s: Signal = {
      signalId: signalIdOf(rule.id, fingerprint, trigger.id, transition),
      ruleId: rule.id,
      transition,
      severity: v.severity ?? rule.severity,
      area: rule.area,
      title: rule.title,
      message: v.message,
      cluster: ctx.cluster,
      subject: { cluster: ctx.cluster, ...subject },
      fingerprint,
      evidence: v.evidence,
      eventId: trigger.id,
      eventType: trigger.type,
      time: trigger.time,
    };
    if (quiet !== undefined) s.quietPeriodSeconds = quiet;
    return s;
  }
}

type Trigger = { id: string; type: string; time: string };

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
