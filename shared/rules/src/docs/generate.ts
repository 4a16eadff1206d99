import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultRulesConfig } from '../config';
import { baselineRules } from '../pack';
import { computeAgreement, loadExpectations, type Agreement } from '../peers/agreement';
import { repoRoot } from '../peers/fixtures';
import { renderPeerAgreement } from '../peers/report';
import { renderRulesDoc } from './rules-doc';

/** A generated document: where it lives (relative to the repository root) and what it must say now. */
export interface GeneratedDoc {
  file: string;
  content: string;
}

export function rulesDoc(): GeneratedDoc {
  return { file: 'docs/rules.md', content: `${renderRulesDoc(baselineRules, defaultRulesConfig())}\n` };
}

export function peerAgreementDoc(agreement: Agreement = computeAgreement(baselineRules, loadExpectations())): GeneratedDoc {
  return { file: 'docs/peer-agreement.md', content: `${renderPeerAgreement(agreement)}\n` };
}

/** The committed text of a generated doc, or undefined when it has not been generated yet. */
export function committed(doc: GeneratedDoc): string | undefined {
  const path = resolve(repoRoot, doc.file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
