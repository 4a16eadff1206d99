import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRoutingConfig } from './alerting-config';

const file = (text: string) => () => text;

describe('loadRoutingConfig', () => {
  it('reads the top-level route and receivers, next to other sections', () => {
    const routing = loadRoutingConfig(
      'ztv.yaml',
      file(`
rules:
  maxSvidTtl: 12h
route: { receiver: chat }
receivers:
  - name: chat
    slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T0/B0/SECRETSECRET' }]
`),
    );
    expect(routing?.route.receiver).toBe('chat');
    expect([...(routing?.receivers.keys() ?? [])]).toEqual(['chat']);
  });

  it('accepts the deployed example and the complete example of docs/alerting.md', () => {
    const deployed = readFileSync(
      new URL('../../../deploy/base/config/configmap.yaml', import.meta.url),
      'utf8',
    );
    const yaml = /ztv\.yaml: \|\n((?: {4}.*\n?)+)/.exec(deployed)?.[1]?.replace(/^ {4}/gm, '');
    expect(loadRoutingConfig('configmap', file(yaml ?? ''))?.receivers.size).toBe(2);
    const docs = readFileSync(new URL('../../../docs/alerting.md', import.meta.url), 'utf8');
    const example = /```yaml\n# ztv\.yaml\n([\s\S]*?)```/.exec(docs)?.[1];
    const routing = loadRoutingConfig('docs', file(example ?? ''));
    expect([...(routing?.receivers.keys() ?? [])]).toEqual([
      'security-chat',
      'oncall',
      'platform-events',
      'alertmanager',
    ]);
  });

  it('is undefined without a file or a route, so nothing is notified', () => {
    expect(loadRoutingConfig(undefined)).toBeUndefined();
    expect(loadRoutingConfig('ztv.yaml', file('rules: {}\n'))).toBeUndefined();
    expect(loadRoutingConfig('ztv.yaml', file(''))).toBeUndefined();
  });

  it('names the file and the path of every problem, and refuses an alerting: section', () => {
    expect(() =>
      loadRoutingConfig('ztv.yaml', file('route: { receiver: nobody }\nreceivers: [{ name: chat }]\n')),
    ).toThrow(/ztv\.yaml: route\.receiver: no receiver named "nobody"/);
    expect(() => loadRoutingConfig('ztv.yaml', file('alerting:\n  route: { receiver: chat }\n'))).toThrow(
      /go at the top level/,
    );
  });
});
