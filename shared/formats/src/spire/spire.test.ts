import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { parseSpireLogLine } from './spire-log';
import { ctx, expectWellFormed, ofType, parseLocal } from '../test-support/fixtures';

const SERVER = 'spire-logs/spiffe-io-getting-started-k8s-server.log';
const AGENT_ID = 'spiffe://example.org/spire/agent/k8s_sat/demo-cluster/578c8d2a-4713-468c-9619-35d5b3ec848e';

describe('spire-log: SVID signing and rotation', () => {
  it('reads "Signed X509 SVID" with its expiration and skips the other server lines', () => {
    const r = parseLocal(SERVER);
    expectWellFormed(r, SERVER);
    expect(r.format).toBe('spire-log');
    expect(r).toMatchObject({ errors: [], skipped: 6 });
    const [svid] = ofType(r.events, 'cert');
    expect(svid?.time).toBe('2019-10-17T20:48:55Z');
    expect(svid?.source).toBe('spire');
    expect(svid?.data).toEqual({ notAfter: '2019-10-17T21:48:55Z', isCA: false, role: 'workload', spiffeIds: [AGENT_ID], dnsNames: [], origin: { kind: 'spire' } });
  });
  it('skips every agent start-up line, the non-logrus one included, without errors', () => {
    const r = parseLocal('spire-logs/spiffe-io-getting-started-k8s-agent.log');
    expect(r).toMatchObject({ format: 'spire-log', events: [], errors: [], skipped: 8 });
    expect(parseSpireLogLine('2019/10/17 20:50:51 [DEBUG] Starting checker name=agent', ctx())).toEqual([]);
  });
  it('reads JSON logs, agent renewals and CA rotations; decimal serials become hex', () => {
    const lines = [
      JSON.stringify({ time: '2025-02-03T23:34:01Z', level: 'debug', msg: 'Signed X509 SVID', expiration: '2025-02-04T00:34:01Z', serial_num: '6336550875125993042626296812949540257', spiffe_id: 'spiffe://example.com/workload' }),
      'time="2023-08-11T08:50:30Z" level=info msg="Renewing X509-SVID" spiffe_id="spiffe://control-plane.example/ns/spire/sa/spire-agent" expires_at="2023-08-11T09:01:00Z" subsystem_name=manager',
      'time="2026-04-22T00:41:58.628793157Z" level=info msg="X509 CA activated" expiration="2027-04-22 00:41:58 +0000 UTC" issued_at="2026-04-22 00:41:58.575806132 +0000 UTC" local_authority_id=7c97bb5638c4fe04b7a230cd8c996c44ab6e87a4 slot=A subsystem_name=ca_manager',
      '{"time": "2025-02-03T23:34:02Z", "msg": "Signed X509 SVID", "expiration": ',
    ];
    const r = parseText(lines.join('\n'), ctx({ file: 'spire.log', node: 'cp-1' }));
    const [signed, renewing, ca] = ofType(r.events, 'cert');
    expect(signed?.data).toMatchObject({ serialNumber: BigInt('6336550875125993042626296812949540257').toString(16), notAfter: '2025-02-04T00:34:01Z', origin: { kind: 'spire', node: 'cp-1' } });
    expect(renewing?.data).toMatchObject({ spiffeIds: ['spiffe://control-plane.example/ns/spire/sa/spire-agent'], notAfter: '2023-08-11T09:01:00Z' });
    expect(ca?.data).toMatchObject({ role: 'ca', isCA: true, spiffeIds: [], notBefore: '2026-04-22T00:41:58.575806132+00:00', notAfter: '2027-04-22T00:41:58+00:00' });
    expect(ca?.id).toBe('spire:ca:7c97bb5638c4fe04b7a230cd8c996c44ab6e87a4@2026-04-22T00:41:58.575806132+00:00..2027-04-22T00:41:58+00:00');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 4, file: 'spire.log', format: 'spire-log' });
  });
});
