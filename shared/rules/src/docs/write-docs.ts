import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { baselineRules } from '../pack';
import { computeAgreement, loadExpectations } from '../peers/agreement';
import { repoRoot } from '../peers/fixtures';
import { committed, peerAgreementDoc, rulesDoc } from './generate';

/*
 * `npm run docs:rules` writes docs/rules.md and docs/peer-agreement.md; `npm run docs:rules:check` only compares
 * them with what the catalogue and the peer harness produce now, and fails when they differ.
 */
const check = process.argv.includes('--check');
const agreement = computeAgreement(baselineRules, loadExpectations());
let failed = false;

for (const doc of [rulesDoc(), peerAgreementDoc(agreement)]) {
  if (committed(doc) === doc.content) continue;
  if (check) {
    console.error(`${doc.file} is out of date: run \`npm run docs:rules\``);
    failed = true;
  } else {
    writeFileSync(resolve(repoRoot, doc.file), doc.content);
    console.log(`wrote ${doc.file}`);
  }
}

for (const r of agreement.unexplained) {
  console.error(`unexplained disagreement: ${r.control} · ${r.case} · ${r.resource}: theirs ${r.theirs}, ours ${r.ours}`);
}
for (const s of agreement.stale) console.error(`stale expectation: ${s.control} · ${s.resource} no longer disagrees`);
if (agreement.unexplained.length || agreement.stale.length) {
  console.error('fix our rule, or explain each in shared/rules/src/peers/expectations.json');
  failed = true;
}
process.exitCode = failed ? 1 : 0;
