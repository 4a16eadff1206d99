import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fixturesRoot, isObject, loadDocuments, loadObjects, refOf } from './fixtures';
import type { FixtureObject, PeerCase, Step, TheirVerdict } from './types';

/** Kinds Kyverno auto-generates Pod rules for (pod controllers). */
const autogenKinds = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];

/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = Record<string, any>;

interface KyvernoSource {
  /** Policy folder under kyverno-policies/, e.g. best-practices/require-drop-all. */
  dir: string;
  /** Only these rules' kyverno-test results; chainsaw verdicts are per policy, so they count only for single-rule controls. */
  rule?: string;
  /** Read the CLI test's results (default true). */
  cli?: boolean;
  /** Read the chainsaw test (whole-policy verdicts). */
  chainsaw: boolean;
}

/** Kinds the policy matches (Pod rules also match pod controllers through autogen). */
export function policyKinds(policy: Loose): string[] {
  const kinds = new Set<string>();
  for (const rule of policy.spec?.rules ?? []) {
    for (const block of [...(rule.match?.any ?? []), ...(rule.match?.all ?? []), ...(rule.match?.resources ? [rule.match] : [])]) {
      for (const k of block.resources?.kinds ?? []) kinds.add(String(k).split('/').pop() ?? k);
    }
  }
  if (kinds.has('Pod')) for (const k of autogenKinds) kinds.add(k);
  return [...kinds];
}

/** Cases from a Kyverno policy folder: its CLI test (each resource alone) and its chainsaw test (a live sequence). */
export function kyvernoCases(src: KyvernoSource): PeerCase[] {
  const root = join(fixturesRoot, 'kyverno-policies', src.dir);
  return [...(src.cli === false ? [] : cliCases(root, src.rule)), ...(src.chainsaw ? chainsawCases(root) : [])];
}

function cliCases(root: string, onlyRule: string | undefined): PeerCase[] {
  const testFile = join(root, '.kyverno-test', 'kyverno-test.yaml');
  if (!existsSync(testFile)) return [];
  const test = loadObjectsLoose(testFile)[0] ?? {};
  const resources = (test.resources ?? []).flatMap((f: string) => loadObjects(resolve(dirname(testFile), f)));
  const cases: PeerCase[] = [];
  for (const r of test.results ?? []) {
    if (onlyRule && r.rule !== onlyRule) continue;
    const names: string[] = r.resources ?? (r.resource ? [r.resource] : []);
    for (const name of names) {
      const obj = resources.find((o: FixtureObject) => o.kind === r.kind && o.metadata.name === name && (!r.namespace || o.metadata.namespace === r.namespace));
      if (!obj) throw new Error(`${testFile}: no ${r.kind} ${name} in its resources`);
      cases.push({ label: 'kyverno-test', mode: 'batch', steps: [{ op: 'apply', obj: structuredClone(obj), theirs: r.result as TheirVerdict }] });
    }
  }
  return cases;
}

/**
 * The chainsaw test as one sequence. After the policy is applied in Enforce mode, an apply expected to fail is their
 * `fail` and any other apply of a matched kind their `pass`; a PolicyReport asserted later gives a background verdict.
 */
function chainsawCases(root: string): PeerCase[] {
  const dir = join(root, '.chainsaw-test');
  const testFile = join(dir, 'chainsaw-test.yaml');
  if (!existsSync(testFile)) return [];
  const test = loadObjectsLoose(testFile)[0] ?? {};
  const policyFile = loadObjectsLoose(join(root, `${basename(root)}.yaml`))[0] ?? {};
  const kinds = policyKinds(policyFile);
  let policyApplied = false;
  let enforcing = policyFile.spec?.validationFailureAction === 'Enforce';
  const steps: Step[] = [];
  for (const step of test.spec?.steps ?? []) {
    for (const op of step.try ?? []) {
      if (op.apply?.file) {
        const objs = loadObjects(resolve(dir, op.apply.file));
        if (objs.some((o) => o.apiVersion.startsWith('kyverno.io/'))) {
          policyApplied = true;
          continue;
        }
        const rejected = (op.apply.expect ?? []).some((e: Loose) => isObject(e.check) && e.check['($error != null)'] === true);
        for (const obj of objs) {
          const judged = policyApplied && enforcing && kinds.includes(obj.kind);
          steps.push({ op: 'apply', obj, ...(judged ? { theirs: rejected ? 'fail' : 'pass' } : {}), ...(rejected ? { rejected: true } : {}) });
        }
      } else if (op.patch?.resource?.kind === 'ClusterPolicy' && op.patch.resource.spec?.validationFailureAction === 'Enforce') {
        enforcing = true;
      } else if (op.delete?.ref || op.delete?.file) {
        const ref = op.delete.ref ?? {};
        const objs: FixtureObject[] = op.delete.file
          ? loadObjects(resolve(dir, op.delete.file))
          : [{ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace ?? 'default' } }];
        for (const obj of objs) steps.push({ op: 'delete', obj });
      } else if (op.assert?.file) {
        steps.push(...reportProbes(resolve(dir, op.assert.file)));
      }
    }
  }
  return steps.some((s) => 'theirs' in s && s.theirs) ? [{ label: 'chainsaw', mode: 'sequential', steps }] : [];
}

/** Background-scan verdicts asserted as (Cluster)PolicyReports owned by the object they judge. */
function reportProbes(file: string): Step[] {
  const out: Step[] = [];
  for (const o of loadObjectsLoose(file)) {
    if (o.kind !== 'PolicyReport' && o.kind !== 'ClusterPolicyReport') continue;
    const owner = o.metadata?.ownerReferences?.[0];
    const summary = o.summary ?? {};
    if (!owner) continue;
    const theirs: TheirVerdict | undefined = summary.fail > 0 ? 'fail' : summary.pass > 0 ? 'pass' : undefined;
    if (!theirs) continue;
    const ns = o.kind === 'PolicyReport' ? (o.metadata?.namespace ?? 'default') : undefined;
    out.push({ op: 'probe', ref: refOf({ kind: owner.kind, metadata: { name: owner.name, ...(ns ? { namespace: ns } : {}) } }), theirs });
  }
  return out;
}

/** Documents that are not objects we evaluate (tests, policies, reports), as plain data. */
function loadObjectsLoose(file: string): Loose[] {
  return loadDocuments(file).filter(isObject);
}
