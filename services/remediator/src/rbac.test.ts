import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { successScenarios } from './playbook-scenarios';
import { grantedBy, permissionsOf, permissionText } from './rbac-calls';
import { startHarness, type Harness } from './test-harness';

const rolePath = new URL('../../../deploy/base/rbac/remediator-clusterrole.yaml', import.meta.url);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(() => h.close());

describe('least privilege: the remediator ClusterRole grants exactly what the playbooks use', () => {
  it('matches the calls every playbook makes (read, precheck, dry run, apply, verify) against the API', async () => {
    h.emu.clearRequests();
    for (const s of successScenarios) {
      h.seed(s.seed);
      const id = await h.request(s.playbook, s.mode, s.ruleId, s.subject, s.evidence);
      expect(await h.run(id)).toBeUndefined();
      expect((await h.row(id))?.status, s.name).toBe(s.expect);
    }
    const used = new Set(h.emu.requests.flatMap(permissionsOf).map(permissionText));
    const doc = parse(readFileSync(rolePath, 'utf8')) as {
      kind: string;
      metadata: { name: string };
      rules: Parameters<typeof grantedBy>[0];
    };
    expect(doc.kind).toBe('ClusterRole');
    const granted = new Set(grantedBy(doc.rules).map(permissionText));
    const unused = [...granted].filter((p) => !used.has(p)).sort();
    const missing = [...used].filter((p) => !granted.has(p)).sort();
    expect(
      { grantedButUnused: unused, usedButNotGranted: missing },
      `ClusterRole ${doc.metadata.name} differs from the calls the playbooks make`,
    ).toEqual({
      grantedButUnused: [],
      usedButNotGranted: [],
    });
  });
});
