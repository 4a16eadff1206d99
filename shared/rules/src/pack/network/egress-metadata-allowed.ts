import { cidrWithin, parseCidr } from '../../state/netpol-cidr';
import { refText } from '../../state/netpol-types';
import { networkPolicyKinds, policyViewsOf } from '../../state/netpol-view';
import { objectRule, objectSubject } from './scopes';

/**
 * A NetworkPolicy / Cilium policy egress rule reaches a cloud metadata address (config.metadataAddresses) on a
 * metadata port (config.metadataPorts, TCP): an ipBlock / toCIDR(Set) containing it with no except covering it,
 * a rule with no destination (NetworkPolicy without `to`, Cilium L4-only rule), or the Cilium `world`/`all`
 * entities. The block that lets it through is compared with config.metadataEgressAllowList: a block inside an
 * allow-listed CIDR is accepted (e.g. a node-local metadata proxy that filters credentials).
 */
export const egressMetadataAllowed = objectRule(
  {
    id: 'egress-metadata-allowed',
    title: 'Network policy allows egress to the cloud metadata service',
    severity: 'high',
    area: 'network-policy',
    rationale:
      'The instance metadata service hands out the node\'s cloud credentials to anyone who asks. A pod that can reach 169.254.169.254 can steal the node role (SSRF to IMDS is a classic cloud breach path); egress policies must carve it out.',
    resolvesWhen: 'No egress rule of the policy reaches a metadata address on a metadata port outside the allow-list, or the policy is deleted.',
    remediation: {
      manual:
        'Add the metadata address to the rule\'s except list (ipBlock `except: [169.254.169.254/32]`, Cilium toCIDRSet except), or narrow the allowed CIDRs/ports; on AWS also require IMDSv2 with a hop limit of 1.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
      'https://docs.cilium.io/en/stable/security/policy/language/#ip-cidr-based',
      'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html',
      'https://attack.mitre.org/techniques/T1552/005/',
    ],
    tags: ['MITRE T1552.005 Unsecured Credentials: Cloud Instance Metadata API', 'network-policy'],
    thresholds: ['metadataAddresses', 'metadataPorts', 'metadataEgressAllowList'],
  },
  networkPolicyKinds,
  (obj, ctx) => {
    const allow = ctx.config.metadataEgressAllowList.map(parseCidr).filter((c) => c !== undefined);
    const allowed = (cidr: string) => {
      const c = parseCidr(cidr);
      return !!c && allow.some((a) => cidrWithin(c, a));
    };
    const views = policyViewsOf(obj);
    const hits = views
      .flatMap((v) => v.metadataHits(ctx.config.metadataAddresses, ctx.config.metadataPorts))
      .filter((h) => !allowed(h.cidr));
    if (!hits.length) return [];
    const addresses = [...new Set(hits.map((h) => h.address))];
    const ref = views[0]?.ref;
    return [
      {
        ...objectSubject(obj),
        message: `${ref ? refText(ref) : obj.metadata.name} allows egress to the metadata address ${addresses.join(', ')} via ${hits[0]?.via}`,
        evidence: {
          addresses,
          ports: ctx.config.metadataPorts,
          rules: hits.map((h) => ({ rule: h.rule, address: h.address, via: h.via, cidr: h.cidr, spec: h.excerpt })),
          allowList: ctx.config.metadataEgressAllowList,
        },
      },
    ];
  },
);
