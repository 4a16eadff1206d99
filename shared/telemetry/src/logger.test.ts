import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redactPaths } from './logger';

describe('logger redaction', () => {
  it('never writes tokens, webhook URLs or routing keys', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const log = pino({ redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
    log.info({ receiver: { webhook_url: 'https://hooks.slack.com/services/T/B/SECRET', routing_key: 'R0UT1NG' }, token: 'ztv_abc' }, 'x');
    log.info({ req: { headers: { authorization: 'Bearer s3cr3t' } } }, 'y');
    const out = lines.join('');
    expect(out).not.toMatch(/SECRET|R0UT1NG|ztv_abc|s3cr3t/);
    expect(out).toContain('[redacted]');
  });
});
