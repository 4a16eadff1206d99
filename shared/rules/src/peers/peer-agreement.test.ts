import { describe, expect, it } from 'vitest';
import { committed, peerAgreementDoc } from '../docs/generate';
import { baselineRules } from '../pack';
import { computeAgreement, loadExpectations, rowKey } from './agreement';
import { peerControls } from './controls';
import { subjectCovers } from './evaluate';
import { kubescapeCases } from './kubescape';
import { kyvernoCases } from './kyverno';

const expectations = loadExpectations();
const agreement = computeAgreement(baselineRules, expectations);

describe('peer agreement (Kyverno and Kubescape fixtures vs the baseline pack)', () => {
  it('has no unexplained disagreement: fix our rule, or give the reason in peers/expectations.json', () => {
    const unexplained = agreement.unexplained.map((r) => `${r.control} · ${rowKey(r)}: theirs ${r.theirs}, ours ${r.ours}`);
    expect(unexplained).toEqual([]);
  });

  it('lists no disagreement that no longer happens', () => {
    expect(agreement.stale).toEqual([]);
  });

  it('explains every listed disagreement', () => {
    for (const d of expectations.disagreements) {
      expect(['theirs-wrong', 'ours-wrong', 'different-definition']).toContain(d.reason);
      expect(d.why.length, `${d.control}: say why`).toBeGreaterThan(20);
      expect(peerControls.map((c) => c.id)).toContain(d.control);
    }
  });

  it('compares something for every control', () => {
    for (const r of agreement.results) {
      expect(r.rows.length, r.control.id).toBeGreaterThan(0);
      expect(r.rows.some((x) => x.theirs === 'fail'), `${r.control.id} has a failing fixture`).toBe(true);
    }
  });

  it('keeps docs/peer-agreement.md up to date', () => {
    const doc = peerAgreementDoc(agreement);
    expect(committed(doc), 'docs/peer-agreement.md is out of date: run `npm run docs:rules`').toBe(doc.content);
  });

  it('marks controls whose rules have not landed as pending instead of comparing them', () => {
    const onlyWorkload = baselineRules.filter((r) => r.area === 'workload');
    const netpol = peerControls.filter((c) => c.id === 'kubescape/C-0260');
    const a = computeAgreement(onlyWorkload, { disagreements: [] }, netpol);
    expect(a.results[0]?.pending).toBe(true);
    expect(a.unexplained).toEqual([]);
  });
});

describe('peer fixture readers', () => {
  it('reads Kyverno chainsaw tests as a sequence: good files pass, files expected to error fail', () => {
    const [chainsaw] = kyvernoCases({ dir: 'best-practices/require-drop-all', cli: false, chainsaw: true });
    const judged = (chainsaw?.steps ?? []).flatMap((s) => (s.op === 'apply' && s.theirs ? [`${s.obj.metadata.name}:${s.theirs}`] : []));
    expect(chainsaw?.mode).toBe('sequential');
    expect(judged.filter((j) => j.endsWith(':pass')).length).toBeGreaterThan(0);
    expect(judged.filter((j) => j.endsWith(':fail')).length).toBeGreaterThan(0);
  });

  it('reads Kyverno CLI results per resource, and PolicyReport asserts as background verdicts', () => {
    const cli = kyvernoCases({ dir: 'best-practices/require-drop-all', chainsaw: false });
    expect(cli.map((c) => c.steps[0]?.op === 'apply' && `${c.steps[0].obj.metadata.name}:${c.steps[0].theirs}`)).toEqual([
      'add-capabilities-bad:fail',
      'add-capabilities:pass',
    ]);
    const [reports] = kyvernoCases({ dir: 'istio/require-authorizationpolicy', chainsaw: true });
    expect(reports?.steps.filter((s) => s.op === 'probe')).toEqual([
      { op: 'probe', ref: { kind: 'Namespace', name: 'istio-reqauthzpol-bad-ns' }, theirs: 'fail' },
      { op: 'probe', ref: { kind: 'Namespace', name: 'istio-reqauthzpol-good-ns' }, theirs: 'pass' },
    ]);
  });

  it('reads Kubescape expected.json: listed objects fail, other judged objects pass, context objects are not judged', () => {
    const cases = kubescapeCases('ingress-and-egress-blocked', ['Pod']);
    const pod = cases.find((c) => c.label === 'test/pod');
    const policy = cases.find((c) => c.label === 'test/default-policy');
    expect(pod?.steps).toMatchObject([{ op: 'apply', obj: { kind: 'Pod' }, theirs: 'fail' }]);
    expect(policy?.steps.find((s) => s.op === 'apply' && s.obj.kind === 'NetworkPolicy')).not.toHaveProperty('theirs');
  });

  it('maps a namespace-level finding to every object of the namespace', () => {
    const ns = { namespace: 'shop', kind: 'Namespace', name: 'shop' };
    expect(subjectCovers(ns, { kind: 'Deployment', namespace: 'shop', name: 'cart' })).toBe(true);
    expect(subjectCovers(ns, { kind: 'Namespace', name: 'shop' })).toBe(true);
    expect(subjectCovers(ns, { kind: 'Deployment', namespace: 'other', name: 'cart' })).toBe(false);
    expect(subjectCovers({ namespace: 'shop', kind: 'Pod', name: 'a' }, { kind: 'Pod', namespace: 'shop', name: 'b' })).toBe(false);
  });
});
