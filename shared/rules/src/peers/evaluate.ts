import type { Signal, Subject, ZtvEvent } from '@ztv/events';
import { defaultRulesConfig } from '../config';
import { RuleEngine } from '../engine/engine';
import type { Rule } from '../engine/types';
import { isClusterScoped, refOf, refText } from './fixtures';
import type { FixtureObject, ObjectRef, OurVerdict, PeerCase, PeerControl, Row, Step } from './types';

const TIME = '2026-03-14T09:00:00Z';

/** True when a finding's subject is this object, or (namespace-level rules) the namespace it lives in or is. */
export function subjectCovers(s: Subject, o: ObjectRef): boolean {
  if (s.kind === o.kind && s.name === o.name && (s.namespace ?? '') === (o.namespace ?? '')) return true;
  if (s.kind !== 'Namespace') return false;
  return o.kind === 'Namespace' ? s.name === o.name : s.name === o.namespace;
}

function resourceEvent(obj: FixtureObject, op: 'upsert' | 'delete', id: string): ZtvEvent {
  const md = obj.metadata;
  return {
    id,
    type: 'k8s.resource',
    cluster: 'peer',
    source: 'peer-fixture',
    time: TIME,
    observedAt: TIME,
    data: {
      op,
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      ...(md.namespace ? { namespace: md.namespace } : {}),
      name: md.name,
      uid: typeof md.uid === 'string' ? md.uid : `uid-${md.namespace ?? ''}-${obj.kind}-${md.name}`,
      resourceVersion: '1',
      object: obj as unknown as Record<string, unknown>,
    },
  };
}

/** Namespaces a case uses without creating them: a real cluster has them (`default` always), so we add them first. */
function implicitNamespaces(steps: Step[]): FixtureObject[] {
  const defined = new Set<string>();
  const used = new Set<string>();
  for (const s of steps) {
    if (s.op === 'probe') {
      if (s.ref.namespace) used.add(s.ref.namespace);
      continue;
    }
    if (s.obj.kind === 'Namespace') defined.add(s.obj.metadata.name);
    else if (!isClusterScoped(s.obj.kind) && s.obj.metadata.namespace) used.add(s.obj.metadata.namespace);
  }
  return [...used].filter((n) => !defined.has(n)).sort().map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

/** A Namespace with the labels the control assumes merged in (its own labels win); any other object unchanged. */
function withAssumptions(control: PeerControl, obj: FixtureObject): FixtureObject {
  if (obj.kind !== 'Namespace' || !control.assume) return obj;
  const labels = { ...control.assume.namespaceLabels, ...(obj.metadata.labels as Record<string, string> | undefined) };
  return { ...obj, metadata: { ...obj.metadata, labels } };
}

/** Runs one case through a RuleEngine holding `rules` (the whole pack) and reads our verdict on every judged object. */
function runCase(control: PeerControl, c: PeerCase, rules: Rule[]): Row[] {
  const mapped = new Set(control.ours.filter((id) => rules.some((r) => r.id === id)));
  const engine = new RuleEngine({ rules, config: defaultRulesConfig(control.config ?? {}), cluster: 'peer', clock: () => new Date(TIME) });
  const firing = new Map<string, Signal>();
  let errored = false;
  let seq = 0;
  const feed = (input: FixtureObject, op: 'upsert' | 'delete') => {
    const obj = withAssumptions(control, input);
    const out = engine.process(resourceEvent(obj, op, `${control.id}/${c.label}/${++seq}`));
    for (const s of out.signals) {
      if (!mapped.has(s.ruleId)) continue;
      if (s.transition === 'firing') firing.set(s.fingerprint, s);
      else firing.delete(s.fingerprint);
    }
    if (out.outcomes.some((o) => o.kind === 'error' && mapped.has(o.ruleId))) errored = true;
  };
  const ours = (ref: ObjectRef): OurVerdict => {
    if (!mapped.size) return 'pending';
    if (errored) return 'error';
    for (const s of firing.values()) {
      if (subjectCovers(s.subject, ref) && (!control.facet || control.facet.holds(s.evidence))) return 'fail';
    }
    return 'pass';
  };
  const rows: Row[] = [];
  const read = (ref: ObjectRef, theirs: Row['theirs']) => rows.push({ control: control.id, case: c.label, resource: refText(ref), theirs, ours: ours(ref) });

  for (const ns of implicitNamespaces(c.steps)) feed(ns, 'upsert');
  for (const step of c.steps) {
    if (step.op === 'apply') {
      feed(step.obj, 'upsert');
      if (c.mode === 'sequential' && step.theirs) read(refOf(step.obj), step.theirs);
      if (c.mode === 'sequential' && step.rejected) feed(step.obj, 'delete');
    } else if (step.op === 'delete') feed(step.obj, 'delete');
    else if (c.mode === 'sequential') read(step.ref, step.theirs);
  }
  if (c.mode === 'batch') {
    for (const step of c.steps) {
      if (step.op === 'apply' && step.theirs) read(refOf(step.obj), step.theirs);
      else if (step.op === 'probe') read(step.ref, step.theirs);
    }
  }
  return rows;
}

/** Every compared object of a control, in fixture order. */
export function evaluateControl(control: PeerControl, rules: Rule[]): Row[] {
  return control.cases().flatMap((c) => runCase(control, c, rules));
}
