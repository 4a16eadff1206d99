import type { KubeObject } from '../kube-ops';
import { dnsEgressPolicy, namespaceRef, namespaceTarget, readBack, verification } from './common';
import type { Playbook } from './types';

interface State {
  namespace: KubeObject | undefined;
}

/** `ztv-allow-dns-egress`: every pod of the namespace may reach cluster DNS on UDP and TCP 53. Resolves netpol-dns-egress-blocked. */
export const allowDnsEgress: Playbook<State> = {
  id: 'allow-dns-egress',
  describe:
    'Applies NetworkPolicy ztv-allow-dns-egress: every pod may reach cluster DNS on UDP 53 and TCP 53.',
  targets: namespaceTarget,
  read: async (ctx) => ({ namespace: await ctx.kube.read(namespaceRef(ctx.target.namespace!)) }),
  precheck: (ctx, state) => ({
    refusals: state.namespace ? [] : [`namespace ${ctx.target.namespace} does not exist`],
    notes: [],
  }),
  plan: (ctx) => [
    {
      type: 'apply',
      object: dnsEgressPolicy(ctx.target.namespace!, ctx.settings.dns),
      why: 'allow every pod DNS (UDP and TCP 53) to cluster DNS',
    },
  ],
  async verify(ctx) {
    const { checks } = await readBack(ctx.kube, dnsEgressPolicy(ctx.target.namespace!, ctx.settings.dns));
    return verification(checks);
  },
};
