import type { OfflineFinding, Rule } from '@ztv/rules';

const level = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;
const securitySeverity = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' } as const;

/**
 * SARIF 2.1.0 for code-scanning tools (GitHub code scanning, ...). Locations are the input files an object came
 * from when known; the subject goes into the logical location.
 */
export function toSarif(findings: OfflineFinding[], rules: Rule[], files: Map<string, string>, version: string): object {
  const used = rules.filter((r) => findings.some((f) => f.ruleId === r.id));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ztv',
            informationUri: 'https://github.com/ztv-dev/ztv',
            version,
            rules: used.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: { text: r.remediation.manual },
              helpUri: r.references[0],
              properties: { tags: [r.area, ...(r.tags ?? [])], 'security-severity': securitySeverity[r.severity] },
            })),
          },
        },
        results: findings.map((f) => {
          const file = files.get(f.fingerprint);
          const logical = [f.subject.namespace, f.subject.kind, f.subject.name ?? f.subject.spiffeId ?? f.subject.node ?? f.subject.origin].filter(Boolean).join('/');
          return {
            ruleId: f.ruleId,
            level: level[f.severity],
            message: { text: f.message },
            partialFingerprints: { ztvFingerprint: f.fingerprint },
            locations: [
              {
                ...(file ? { physicalLocation: { artifactLocation: { uri: file } } } : {}),
                logicalLocations: [{ fullyQualifiedName: logical || f.ruleId, kind: 'resource' }],
              },
            ],
            ...(f.suppressedBy ? { suppressions: [{ kind: 'external', justification: f.suppressedBy }] } : {}),
          };
        }),
      },
    ],
  };
}
