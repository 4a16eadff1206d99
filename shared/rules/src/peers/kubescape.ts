import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { filesIn, fixturesRoot, isObject, loadDocuments, loadObjects } from './fixtures';
import type { PeerCase, Step } from './types';

interface FailedObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/** The objects a Kubescape test expects to fail (`[]`: everything passes). */
function expectedFailures(file: string): FailedObject[] {
  const [doc] = loadDocuments(file);
  if (!Array.isArray(doc)) return [];
  return doc.flatMap((alert: unknown) => {
    const objs = isObject(alert) && isObject(alert.alertObject) ? alert.alertObject.k8sApiObjects : undefined;
    return Array.isArray(objs) ? (objs as FailedObject[]) : [];
  });
}

/**
 * One case per test of a regolibrary rule: every input applied together (a scan sees the whole cluster), then the
 * verdict on each object of `subjectKinds` — fail when expected.json lists it, pass otherwise.
 */
export function kubescapeCases(rule: string, subjectKinds: string[]): PeerCase[] {
  const testsDir = join(fixturesRoot, 'kubescape-regolibrary', 'rules', rule, 'test');
  if (!existsSync(testsDir)) return [];
  const cases: PeerCase[] = [];
  for (const test of readdirSync(testsDir).sort()) {
    const failed = expectedFailures(join(testsDir, test, 'expected.json'));
    const steps: Step[] = [];
    for (const file of filesIn(join(testsDir, test, 'input'))) {
      for (const obj of loadObjects(file)) {
        const judged = subjectKinds.includes(obj.kind);
        const fails = failed.some(
          (f) => f.kind === obj.kind && f.metadata?.name === obj.metadata.name && (!f.metadata?.namespace || f.metadata.namespace === obj.metadata.namespace),
        );
        steps.push({ op: 'apply', obj, ...(judged ? { theirs: fails ? 'fail' : 'pass' } : {}) });
      }
    }
    cases.push({ label: `test/${test}`, mode: 'batch', steps });
  }
  return cases;
}
