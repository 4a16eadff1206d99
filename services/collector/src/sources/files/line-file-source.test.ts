import { appendFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryEventLog, type EventLog } from '@ztv/bus';
import type { AuditEvent, DeadLetter, FlowEvent } from '@ztv/events';
import { sharedFixture, startTestCollector } from '../../test-support';

let dir: string;
let log: EventLog;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ztv-files-'));
  log = createMemoryEventLog();
});
afterAll(async () => {
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

/** Real audit log lines (audit2rbac's demo), each with its own auditID so every line is countable. */
const template = sharedFixture('k8s-audit/audit2rbac-demo.log').split('\n')[0] as string;
const auditLine = (i: number) => JSON.stringify({ ...(JSON.parse(template) as object), auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` });
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `${auditLine(from + k)}\n`).join('');

describe('audit log file tail', () => {
  it('reads a rotated file exactly once, across a restart, and dead-letters a line that is not an audit event', async () => {
    const path = join(dir, 'audit.log');
    const stateDir = join(dir, 'state');
    const env = { COLLECTOR_AUDIT_FILE_ENABLED: 'true', COLLECTOR_AUDIT_FILE_PATH: path, COLLECTOR_FILE_POLL_MS: '20' };
    await appendFile(path, lines(1, 10));
    const first = await startTestCollector(env, { eventLog: log, stateDir });
    await vi.waitFor(() => expect(first.values(first.topics.audit)).toHaveLength(10));
    await appendFile(path, lines(11, 12));
    await vi.waitFor(() => expect(first.values(first.topics.audit)).toHaveLength(12));
    await first.stop();

    // While the collector is down: more lines, a rotation, a new file with a bad line.
    await appendFile(path, lines(13, 15));
    await rename(path, `${path}.1`);
    await appendFile(path, `${lines(16, 18)}{"kind":"Event","apiVersion":"audit.k8s.io/v1"}\n${lines(19, 20)}`);
    const second = await startTestCollector(env, { eventLog: log, stateDir });
    try {
      await vi.waitFor(() => expect(second.values(second.topics.audit)).toHaveLength(20));
      const ids = second.values<AuditEvent>(second.topics.audit).map((e) => e.data.auditID);
      expect(new Set(ids).size).toBe(20);
      expect(second.values<AuditEvent>(second.topics.audit).every((e) => e.source === 'audit-file')).toBe(true);
      await vi.waitFor(() => expect(second.values<DeadLetter>(second.topics.deadletter).filter((d) => d.source === 'audit-file')).toHaveLength(1));
      // Still following the new file.
      await appendFile(path, lines(21, 21));
      await vi.waitFor(() => expect(second.values(second.topics.audit)).toHaveLength(21));
    } finally {
      await second.stop();
    }
  });

  it('reads a Hubble exporter file into aggregated flows', async () => {
    const path = join(dir, 'hubble-events.log');
    const text = sharedFixture('hubble/hubble-otel-basic-sample-400-udp-flows.first120.json');
    await appendFile(path, text);
    const c = await startTestCollector({ COLLECTOR_HUBBLE_FILE_ENABLED: 'true', COLLECTOR_HUBBLE_FILE_PATH: path, COLLECTOR_FILE_POLL_MS: '20', COLLECTOR_FLOW_WINDOW_SECONDS: '0.2' });
    try {
      const flows = () => c.values<FlowEvent>(c.topics.flows).filter((e) => e.source === 'hubble-file');
      await vi.waitFor(() => expect(flows().reduce((n, e) => n + e.data.count, 0)).toBe(120));
      expect(flows().length).toBeLessThan(120);
    } finally {
      await c.stop();
    }
  });

  it('refuses to start when a file source is on without its path', async () => {
    await expect(startTestCollector({ COLLECTOR_AUDIT_FILE_ENABLED: 'true' })).rejects.toThrow(/COLLECTOR_AUDIT_FILE_PATH: required when COLLECTOR_AUDIT_FILE_ENABLED=true/);
  });
});
