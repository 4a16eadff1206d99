import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Rule } from '../engine/types';
import { peerControls } from './controls';
import { evaluateControl } from './evaluate';
import type { PeerControl, Row } from './types';

/** Why a peer and we disagree about a group of objects. `ours-wrong` entries are bugs still to fix. */
export interface Disagreement {
  control: string;
  theirs: Row['theirs'];
  ours: Row['ours'];
  reason: 'theirs-wrong' | 'ours-wrong' | 'different-definition';
  why: string;
  /** `<case> · <object>`, as rowKey() spells them. */
  resources: string[];
}

export interface Expectations {
  disagreements: Disagreement[];
}

export const expectationsFile = resolve(import.meta.dirname, 'expectations.json');

export function loadExpectations(file = expectationsFile): Expectations {
  return JSON.parse(readFileSync(file, 'utf8')) as Expectations;
}

export function rowKey(r: Pick<Row, 'case' | 'resource'>): string {
  return `${r.case} · ${r.resource}`;
}

/** `skip` (the peer's policy did not apply) is not a violation, so it agrees with our pass. */
export function agrees(r: Row): boolean {
  return (r.theirs === 'fail') === (r.ours === 'fail') && r.ours !== 'error';
}

export interface ControlResult {
  control: PeerControl;
  rows: (Row & { explained?: Disagreement })[];
  pending: boolean;
}

export interface Agreement {
  results: ControlResult[];
  /** Disagreements no expectation explains: each must be fixed or listed with a reason. */
  unexplained: Row[];
  /** Expectation entries that match no current disagreement (fixed, or the fixture changed): remove them. */
  stale: { control: string; resource: string }[];
}

/** Evaluates every peer control with `rules` (the whole pack) and matches disagreements against the expectations. */
export function computeAgreement(rules: Rule[], expectations: Expectations, controls: PeerControl[] = peerControls): Agreement {
  const unexplained: Row[] = [];
  const used = new Set<string>();
  const results = controls.map((control): ControlResult => {
    const rows = evaluateControl(control, rules).map((r) => {
      if (r.ours === 'pending' || agrees(r)) return r;
      const key = rowKey(r);
      const explained = expectations.disagreements.find(
        (d) => d.control === r.control && d.theirs === r.theirs && d.ours === r.ours && d.resources.includes(key),
      );
      if (!explained) unexplained.push(r);
      else used.add(`${r.control}\n${key}`);
      return explained ? { ...r, explained } : r;
    });
    return { control, rows, pending: rows.length > 0 && rows.every((r) => r.ours === 'pending') };
  });
  const stale = expectations.disagreements.flatMap((d) =>
    d.resources.filter((res) => !used.has(`${d.control}\n${res}`)).map((resource) => ({ control: d.control, resource })),
  );
  return { results, unexplained, stale };
}
