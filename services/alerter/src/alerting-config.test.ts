import { describe, expect, it } from 'vitest';
import { loadRoutingConfig } from './alerting-config';

const file = (text: string) => () => text;

describe('loadRoutingConfig', () => {
  it('reads route and receivers from the alerting section, next to other sections', () => {
    const routing = loadRoutingConfig(
      'ztv.yaml',
      file(`
rules:
  maxSvidTtl: 12h
alerting:
  route: { receiver: chat }
  receivers:
    - name: chat
      slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T0/B0/SECRETSECRET' }]
`),
    );
    expect(routing?.route.receiver).toBe('chat');
    expect([...(routing?.receivers.keys() ?? [])]).toEqual(['chat']);
  });

  it('is undefined without a file or a section, so nothing is notified', () => {
    expect(loadRoutingConfig(undefined)).toBeUndefined();
    expect(loadRoutingConfig('ztv.yaml', file('rules: {}\n'))).toBeUndefined();
  });

  it('names the file and the path of every problem, and refuses a top-level route', () => {
    expect(() => loadRoutingConfig('ztv.yaml', file('alerting:\n  route: { receiver: nobody }\n  receivers: [{ name: chat }]\n'))).toThrow(
      /ztv\.yaml: alerting\.route\.receiver: no receiver named "nobody"/,
    );
    expect(() => loadRoutingConfig('ztv.yaml', file('route: { receiver: chat }\nreceivers: []\n'))).toThrow(/belong under "alerting:"/);
  });
});
