import { RESOURCE_TYPES, apiVersionOf, servedGroups, type ResourceType } from './registry';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/** The discovery documents and /version, for the groups that are not marked absent. */
export class Discovery {
  constructor(
    private readonly absent: Set<string>,
    private readonly serverAddress: () => string,
  ) {}

  isServed(group: string): boolean {
    return !this.absent.has(group);
  }

  /** GET /api */
  coreVersions(): unknown {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }],
    };
  }

  /** GET /apis */
  groupList(): unknown {
    const groups = [...servedGroups()]
      .filter(([g]) => g !== '' && this.isServed(g))
      .map(([g, versions]) => this.group(g, versions));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  /** GET /apis/<group>, or undefined when the group is not served. */
  groupDocument(group: string): unknown {
    const versions = servedGroups().get(group);
    if (!versions || group === '' || !this.isServed(group)) return undefined;
    return { kind: 'APIGroup', apiVersion: 'v1', ...this.group(group, versions) };
  }

  /** GET /api/v1 or /apis/<group>/<version>, or undefined when not served. */
  resourceList(group: string, version: string): unknown {
    if (!this.isServed(group)) return undefined;
    const types = RESOURCE_TYPES.filter((t) => t.group === group && t.versions.includes(version));
    if (types.length === 0) return undefined;
    const resources = types.flatMap((t) => [this.resource(t), ...(t.status ? [this.statusResource(t)] : [])]);
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf(group, version),
      resources,
    };
  }

  version(): unknown {
    return {
      major: '1',
      minor: '31',
      gitVersion: 'v1.31.0-ztv-emulator',
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2024-08-13T00:00:00Z',
      goVersion: 'go1.22.5',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }

  private group(
    name: string,
    versions: string[],
  ): { name: string; versions: unknown[]; preferredVersion: unknown } {
    const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: list, preferredVersion: list[0] };
  }

  private resource(t: ResourceType): unknown {
    return {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    };
  }

  private statusResource(t: ResourceType): unknown {
    return {
      name: `${t.plural}/status`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: SUBRESOURCE_VERBS,
    };
  }
}
