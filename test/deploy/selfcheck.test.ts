import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../services/cli/src/program';
import type { KObject } from './kustomize';
import { renderAll, type Container } from './render';

interface Finding { ruleId: string; severity: string; message: string; subject: { namespace?: string; kind?: string; name?: string }; suppressedBy?: string }

/** `ztv evaluate` in this process over the rendered objects, as a user would run it over `kubectl kustomize` output. */
async function evaluate(objects: KObject[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ztv-selfcheck-'));
  writeFileSync(join(dir, 'rendered.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = { stdout: (l: string) => stdout.push(l), stderr: (l: string) => stderr.push(l), now: () => new Date('2026-06-01T00:00:00Z'), version: 'test', exitCode: 0 };
  const code = await runCli(['evaluate', dir, '--output', 'json', '--fail-on', 'info', '--show-suppressed', '--cluster', 'ztv-self-check'], io);
  return { code, findings: JSON.parse(stdout.join('\n')) as Finding[], stderr: stderr.join('\n') };
}

const variants = await renderAll();

describe('ztv checks itself: `ztv evaluate` over every rendered variant of deploy/', () => {
  it.each(variants.map((v) => [v.name, v] as const))('%s: no finding, or only ones an annotation explains', async (_name, v) => {
    const { code, findings, stderr } = await evaluate(v.objects);
    // Every object was read, none malformed: the check saw the whole deployment.
    expect(stderr).toContain(`1 file(s), ${v.objects.length} event(s), 0 malformed record(s)`);
    for (const f of findings) {
      expect(f.suppressedBy, `${f.ruleId}: ${f.message}`).toMatch(/^annotation: \S/);
      const o = v.objects.find((x) => x.kind === f.subject.kind && x.metadata.name === f.subject.name);
      const annotations = (o?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
      expect(annotations['ztv.io/ignore']?.split(',').map((s) => s.trim())).toContain(f.ruleId);
      expect(annotations['ztv.io/ignore-reason']?.trim()).toBeTruthy();
    }
    expect(code).toBe(0);
  });

  it('finds what a careless change to the manifests would break', async () => {
    const objects = structuredClone(variants.find((v) => v.name === 'prod')!.objects);
    const container = (name: string) => (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec as { template: { spec: { containers: Container[]; serviceAccountName?: string } } }).template.spec;
    delete container('ztv-collector').containers[0]!.securityContext!.capabilities;
    container('ztv-api').containers[0]!.image = 'registry.example.com/ztv/ztv:latest';
    // An exception the way the manifests would carry one: it shows as suppressed, with its reason.
    const remediator = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ztv-remediator')!;
    container('ztv-remediator').containers[0]!.image = 'registry.example.com/ztv/ztv:canary';
    Object.assign(remediator.metadata, { annotations: { 'ztv.io/ignore': 'image-unverified', 'ztv.io/ignore-reason': 'canary build, INC-1234' } });
    delete container('ztv-rule-worker').serviceAccountName;
    const without = objects.filter((o) => !(o.kind === 'NetworkPolicy' && ['default-deny'].includes(o.metadata.name)));
    const { code, findings } = await evaluate(without);
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.ruleId} ${f.subject.name}`)).toEqual(
      expect.arrayContaining(['pod-capabilities-not-dropped ztv-collector', 'image-unverified ztv-api', 'pod-default-serviceaccount ztv-rule-worker', 'netpol-default-deny-missing ztv']),
    );
    expect(findings.filter((f) => f.suppressedBy)).toEqual([
      expect.objectContaining({ ruleId: 'image-unverified', subject: expect.objectContaining({ name: 'ztv-remediator' }), suppressedBy: 'annotation: canary build, INC-1234' }),
    ]);
  });
});
