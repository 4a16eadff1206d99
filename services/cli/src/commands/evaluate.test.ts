import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ztv } from '../testing';

const repo = resolve(import.meta.dirname, '../../../..');
const fixtures = resolve(repo, '../shared/fixtures');
if (!existsSync(fixtures)) throw new Error(`the shared fixtures are missing at ${fixtures}: these tests read the real samples there`);

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztv-eval-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const namespaceWithoutPolicies = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: payments }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: registry.example.com/api@sha256:${'a'.repeat(64)}
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
`;

describe('ztv evaluate', () => {
  it('prints exactly a JSON array of findings on stdout and exits 1 at or above --fail-on', async () => {
    const r = await ztv(['evaluate', tmpFile('ns.yaml', namespaceWithoutPolicies), '--output', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as { ruleId: string; severity: string; subject: Record<string, string> }[];
    expect(Array.isArray(findings)).toBe(true);
    const deny = findings.find((f) => f.ruleId === 'netpol-default-deny-missing');
    expect(deny).toMatchObject({ severity: 'high', subject: { namespace: 'payments', kind: 'Namespace', name: 'payments' } });
    for (const f of findings) expect(Object.keys(f).sort()).toEqual(['evidence', 'message', 'ruleId', 'severity', 'subject', 'title']);
    expect(r.stderr).toMatch(/1 file\(s\), 2 event\(s\), 0 malformed record\(s\)/);
  });

  it('exits 0 when nothing reaches --fail-on', async () => {
    const r = await ztv(['evaluate', tmpFile('ns.yaml', namespaceWithoutPolicies), '--fail-on', 'critical']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SEVERITY\s+RULE\s+SUBJECT\s+MESSAGE/);
    expect(r.stdout).toMatch(/netpol-default-deny-missing/);
  });

  it('is reproducible with --now: an SVID is expired at one time and fine at another', async () => {
    const pem = join(fixtures, 'spiffe/go-spiffe-x509svid/good-leaf-only.pem');
    const before = await ztv(['evaluate', pem, '--output', 'json', '--now', '2019-01-01T00:00:00Z', '--fail-on', 'never']);
    const after = await ztv(['evaluate', pem, '--output', 'json', '--now', '2040-01-01T00:00:00Z', '--fail-on', 'never']);
    const ids = (s: string) => (JSON.parse(s) as { ruleId: string }[]).map((f) => f.ruleId);
    expect(ids(after.stdout)).toContain('cert-expired');
    expect(ids(before.stdout)).not.toContain('cert-expired');
  });

  it('writes SARIF 2.1.0 for code scanning', async () => {
    const r = await ztv(['evaluate', tmpFile('ns.yaml', namespaceWithoutPolicies), '--output', 'sarif', '--fail-on', 'never']);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    const result = run.results.find((x) => x.ruleId === 'netpol-default-deny-missing')!;
    expect(result.locations[0]!.physicalLocation!.artifactLocation.uri).toMatch(/ns\.yaml$/);
    expect(run.tool.driver.rules.map((x) => x.id)).toContain('netpol-default-deny-missing');
  });

  it('reports malformed records on stderr with file:line and still evaluates the good ones', async () => {
    const file = tmpFile('audit.log', ['{"kind":0}', '{not json'].join('\n'));
    const r = await ztv(['evaluate', file, '--format', 'k8s-audit', '--output', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toMatch(/audit\.log:1: /);
    expect(r.stderr).toMatch(/audit\.log:2: /);
    const strict = await ztv(['evaluate', file, '--format', 'k8s-audit', '--strict']);
    expect(strict.code).toBe(2);
  });

  it('exits 2 with the reason for usage errors and unreadable input', async () => {
    expect((await ztv(['evaluate', '/nonexistent/path'])).stderr).toMatch(/cannot read \/nonexistent\/path: no such file or directory/);
    expect((await ztv(['evaluate', '/nonexistent/path'])).code).toBe(2);
    const bad = await ztv(['evaluate', repo, '--output', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--output must be table, json or sarif/);
    expect((await ztv(['evaluate', repo, '--now', 'yesterday'])).code).toBe(2);
    expect((await ztv(['evaluate', repo, '--format', 'nope'])).code).toBe(2);
    expect((await ztv(['evaluate'])).code).toBe(2);
  });

  it('documents everything in --help', async () => {
    const r = await ztv(['evaluate', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--output', '--fail-on', '--now', '--format', '--strict', 'Exit codes', 'SARIF']) expect(r.stdout).toContain(s);
  });

  it('runs over every shared fixture without a crash: bad files reported, good files evaluated', async () => {
    const r = await ztv(['evaluate', fixtures, '--output', 'json', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout) as { ruleId: string }[];
    expect(findings.length).toBeGreaterThan(50);
    expect(new Set(findings.map((f) => f.ruleId)).size).toBeGreaterThan(8);
    expect(r.stderr).toMatch(/fal_01_003\.json:1: /);
    expect(r.stderr).not.toMatch(/could not evaluate/);
  });
});
