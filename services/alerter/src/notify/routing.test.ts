import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NotifyConfigError } from './config';
import { parseDuration } from './duration';
import { matchRoutes, parseRoutingConfig, routeSignal, type RouteLabels } from './routing';

const yaml = `
route:
  receiver: default
  group_by: [ruleId, cluster]
  repeat_interval: 4h
  routes:
    - match: { severity: critical }
      receiver: pager
      continue: true
      repeat_interval: 1h
    - match_re: { namespace: 'prod|prod-.*' }
      receiver: prod-team
      group_wait: 10s
      routes:
        - match: { area: identity }
          receiver: identity-team
        - match: { ruleId: flow-plaintext }
          continue: true
          receiver: mesh-team
        - match: { ruleId: flow-plaintext }
          receiver: network-team
    - match: { cluster: staging }
      receiver: staging
receivers:
  - name: default
    slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T0/B0/DEFAULTSECRET' }]
  - name: pager
    pagerduty_configs: [{ routing_key: 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY00' }]
  - name: prod-team
    slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T0/B1/PRODSECRET', channel: '#prod-sec' }]
  - name: identity-team
  - name: mesh-team
  - name: network-team
  - name: staging
`;

const config = parseRoutingConfig(yaml);
const labels = (over: Partial<RouteLabels> = {}): RouteLabels => ({
  severity: 'high',
  ruleId: 'netpol-allow-all',
  area: 'network',
  cluster: 'prod-eu1',
  namespace: 'prod',
  ...over,
});
const receiversFor = (over: Partial<RouteLabels>) => routeSignal(config, labels(over)).map((r) => r.name);

function configError(doc: unknown): string {
  try {
    parseRoutingConfig(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(NotifyConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a NotifyConfigError');
}

describe('routing semantics (Alertmanager)', () => {
  it('sends what no child matches to the root (default) receiver', () => {
    expect(receiversFor({ namespace: 'dev' })).toEqual(['default']);
  });

  it('walks depth-first: the first matching child wins, a matching parent with no matching child is the match', () => {
    expect(receiversFor({})).toEqual(['prod-team']);
    expect(receiversFor({ area: 'identity' })).toEqual(['identity-team']);
    // staging also matches the last top-level route, but the prod route matched first and has no continue.
    expect(receiversFor({ cluster: 'staging' })).toEqual(['prod-team']);
    expect(receiversFor({ cluster: 'staging', namespace: 'dev' })).toEqual(['staging']);
  });

  it('goes on to the next sibling after a match with continue: true', () => {
    expect(receiversFor({ severity: 'critical' })).toEqual(['pager', 'prod-team']);
    expect(receiversFor({ ruleId: 'flow-plaintext' })).toEqual(['mesh-team', 'network-team']);
    // A child matched (with continue), so the root is not a match of its own: no fallback to the default receiver.
    expect(receiversFor({ severity: 'critical', namespace: 'dev' })).toEqual(['pager']);
  });

  it('anchors match_re like Alertmanager', () => {
    expect(receiversFor({ namespace: 'prod-payments' })).toEqual(['prod-team']);
    expect(receiversFor({ namespace: 'preprod' })).toEqual(['default']);
    expect(receiversFor({ namespace: 'production' })).toEqual(['default']);
  });

  it('treats an absent label as the empty string', () => {
    const c = parseRoutingConfig({
      route: {
        receiver: 'a',
        routes: [
          { match: { namespace: '' }, receiver: 'b' },
          { match_re: { namespace: '.*' }, receiver: 'c' },
        ],
      },
      receivers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
    });
    expect(routeSignal(c, labels({ namespace: '' })).map((r) => r.name)).toEqual(['b']);
    expect(routeSignal(c, labels({ namespace: 'x' })).map((r) => r.name)).toEqual(['c']);
  });

  it('inherits receiver and timings from the parent; matchers and continue are not inherited', () => {
    const [root] = [config.route];
    expect(root.groupWaitMs).toBe(30_000); // Alertmanager defaults
    expect(root.groupIntervalMs).toBe(300_000);
    const prod = root.routes[1]!;
    expect(prod).toMatchObject({
      receiver: 'prod-team',
      groupBy: ['ruleId', 'cluster'],
      groupWaitMs: 10_000,
      repeatIntervalMs: 4 * 3_600_000,
    });
    const identity = prod.routes[0]!;
    expect(identity).toMatchObject({
      receiver: 'identity-team',
      groupWaitMs: 10_000,
      continue: false,
      path: 'route.routes[1].routes[0]',
    });
    expect(identity.matchers).toEqual([{ label: 'area', equals: 'identity' }]);
    const pager = root.routes[0]!;
    expect(pager).toMatchObject({ repeatIntervalMs: 3_600_000, continue: true });
    const child = parseRoutingConfig({
      route: { receiver: 'a', routes: [{ match: { severity: 'low' } }] },
      receivers: [{ name: 'a' }],
    });
    expect(matchRoutes(child.route, labels({ severity: 'low' }))[0]).toMatchObject({
      receiver: 'a',
      path: 'route.routes[0]',
    });
  });

  it('notifies a receiver reached by two routes once', () => {
    const c = parseRoutingConfig({
      route: {
        receiver: 'a',
        routes: [
          { match: { severity: 'high' }, receiver: 'a', continue: true },
          { match: { area: 'network' }, receiver: 'a' },
        ],
      },
      receivers: [{ name: 'a' }],
    });
    expect(matchRoutes(c.route, labels())).toHaveLength(2);
    expect(routeSignal(c, labels()).map((r) => r.name)).toEqual(['a']);
  });
});

describe('routing config validation', () => {
  const base = { route: { receiver: 'a' }, receivers: [{ name: 'a' }] };

  it('names the path and what it expects', () => {
    expect(configError({ ...base, route: { receiver: 'a', routes: [{ match: { rule: 'x' } }] } })).toMatch(
      /route\.routes\[0\]\.match\.rule: unknown label "rule" \(one of severity, ruleId, area, cluster, namespace\)/,
    );
    expect(
      configError({
        ...base,
        route: { receiver: 'a', routes: [{ routes: [{ match_re: { namespace: '(' } }] }] },
      }),
    ).toMatch(/route\.routes\[0\]\.routes\[0\]\.match_re\.namespace: invalid regular expression/);
    expect(configError({ ...base, route: { receiver: 'a', group_wait: '30 seconds' } })).toMatch(
      /route\.group_wait: a duration such as "30s"/,
    );
    expect(configError({ ...base, route: { receiver: 'a', routes: [{ receiver: 'nobody' }] } })).toMatch(
      /route\.routes\[0\]\.receiver: no receiver named "nobody"/,
    );
    expect(configError({ ...base, route: { receiver: 'a', routes: [{ reciever: 'a' }] } })).toMatch(
      /route\.routes\[0\]: .*reciever/,
    );
    expect(configError({ ...base, route: {} })).toMatch(
      /route\.receiver: the root route needs a default receiver/,
    );
    expect(configError({ ...base, route: { receiver: 'a', match: { severity: 'high' } } })).toMatch(
      /route: the root route matches everything/,
    );
    expect(configError({ ...base, receivers: [{ name: 'a' }, { name: 'a' }] })).toMatch(
      /receivers\[1\]\.name: duplicate receiver "a"/,
    );
    expect(configError({ ...base, receivers: [{ name: 'a', slack_configs: [{}] }] })).toMatch(
      /receivers\[0\]\.slack_configs\[0\]\.webhook_url: give exactly one of webhook_url and webhook_url_file/,
    );
    expect(
      configError({
        ...base,
        receivers: [{ name: 'a', pagerduty_configs: [{ routing_key: 'k', routing_key_file: '/f' }] }],
      }),
    ).toMatch(/pagerduty_configs\[0\]\.routing_key: give exactly one/);
    expect(configError('route: [unclosed')).toMatch(/not valid YAML/);
  });

  it('never quotes a secret in an error', () => {
    const msg = configError({
      ...base,
      receivers: [
        { name: 'a', slack_configs: [{ webhook_url: 'hooks.slack.com/services/T0/B0/NOTAURLSECRET' }] },
      ],
    });
    expect(msg).toMatch(/slack_configs\[0\]\.webhook_url: an http\(s\) URL/);
    expect(msg).not.toContain('NOTAURLSECRET');
  });

  it('parses durations the Alertmanager way', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('4h')).toBe(14_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['', '5', '5 m', 'm5', '30m1h', '1.5h']) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe('secrets in the routing config', () => {
  it('print as [redacted] in JSON and util.inspect', () => {
    const dumped =
      JSON.stringify([...config.receivers.values()]) + inspect([...config.receivers.values()], { depth: 10 });
    expect(dumped).not.toMatch(/DEFAULTSECRET|PRODSECRET|R0UT1NGKEY/);
    expect(dumped).toContain('[redacted]');
  });

  it('are read from files at delivery time, trailing newline dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztv-secret-'));
    const file = join(dir, 'key');
    writeFileSync(file, 'FROMFILEKEY\n');
    const c = parseRoutingConfig({
      route: { receiver: 'a' },
      receivers: [{ name: 'a', pagerduty_configs: [{ routing_key_file: file }] }],
    });
    const key = c.receivers.get('a')!.pagerduty_configs[0]!.routing_key;
    expect(await key.reveal()).toBe('FROMFILEKEY');
    writeFileSync(file, 'ROTATEDKEY\n');
    expect(await key.reveal()).toBe('ROTATEDKEY');
    expect(inspect(key)).toBe(`SecretRef(file: ${file})`);
  });

  it('default optional fields like Alertmanager', () => {
    const r = config.receivers.get('pager')!.pagerduty_configs[0]!;
    expect(r.send_resolved).toBe(true);
    expect(JSON.stringify(r.url)).toBe('"[redacted]"');
    expect(config.receivers.get('prod-team')!.slack_configs[0]).toMatchObject({
      channel: '#prod-sec',
      send_resolved: true,
    });
  });
});
