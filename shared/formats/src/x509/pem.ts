import type { CertData } from '@ztv/events';
import { emit, fail, itemsOf, SKIP, type Out } from '../internal/emit';
import type { FormatId, ParseContext, ParseItem, Position } from '../types';
import { readCertificate, type CertFacts } from './certificate';

export interface PemBlock {
  label: string;
  /** Base64 body; never filled for private-key blocks, which are not even collected. */
  body: string;
  line: number;
  /** Byte offset of the BEGIN line in the text. */
  offset: number;
}

interface PemProblem {
  line: number;
  offset: number;
  reason: string;
}

export interface PemOptions {
  format: FormatId;
  origin: CertData['origin'];
  /** Every certificate is a trust anchor (a CA bundle, a ConfigMap root cert), whatever its CA flag. */
  bundle?: boolean;
  /** Where the text starts in the input, for error positions. */
  at?: Position;
  /** Report an input with no certificate as an error (a .pem file) or not (a Secret field). */
  requireCertificate?: boolean;
}

/** A PEM file or bundle → one `cert` event per certificate. Keys in the file are skipped unread. */
export function parsePem(text: string, ctx: ParseContext): ParseItem[] {
  return itemsOf(pemDocument(text, ctx));
}

export function pemDocument(text: string, ctx: ParseContext): Out[] {
  const origin = { kind: 'pem' as const, path: ctx.file, node: ctx.node, namespace: ctx.namespace, pod: ctx.pod };
  return certsFromPem(text, ctx, { format: 'pem', origin, requireCertificate: true });
}

/**
 * Certificates of a PEM text as `cert` events. Roles: a non-CA certificate is the `workload` leaf; CA
 * certificates are `ca` (chain) when the text also holds a leaf, else `bundle` (trust anchors).
 */
export function certsFromPem(text: string, ctx: ParseContext, o: PemOptions): Out[] {
  const at = o.at ?? { line: 1, offset: 0 };
  const { blocks, problems } = pemBlocks(text);
  const place = (p: { line: number; offset: number }): Position => ({ line: at.line + p.line - 1, offset: at.offset + p.offset });
  const out: Out[] = problems.map((p) => fail(ctx, o.format, p.reason, '', place(p)));
  const read: { facts: CertFacts; line: number }[] = [];
  for (const b of blocks) {
    if (b.label !== 'CERTIFICATE' && b.label !== 'TRUSTED CERTIFICATE') {
      out.push(SKIP);
      continue;
    }
    const pos = place(b);
    if (!/^[A-Za-z0-9+/=]*$/.test(b.body)) {
      out.push(fail(ctx, o.format, 'corrupt PEM: the body is not base64', b.body.slice(0, 80), pos));
      continue;
    }
    const r = readCertificate(Buffer.from(b.body, 'base64'));
    if (r.ok) read.push({ facts: r.cert, line: b.line });
    else out.push(fail(ctx, o.format, r.reason, `-----BEGIN ${b.label}----- ${b.body.slice(0, 64)}`, pos));
  }
  if (o.requireCertificate && read.length === 0 && !out.some((x) => !x.ok)) {
    out.push(fail(ctx, o.format, 'no PEM certificate in the input', text.slice(0, 80), at));
  }
  const hasLeaf = read.some((r) => !r.facts.isCA);
  for (const { facts } of read) {
    const role: CertData['role'] = o.bundle ? 'bundle' : !facts.isCA ? 'workload' : hasLeaf ? 'ca' : 'bundle';
    out.push(certEvent(ctx, o.format, facts, role, o.origin));
  }
  return out;
}

export function certEvent(ctx: ParseContext, format: FormatId, f: CertFacts, role: CertData['role'], origin: CertData['origin']): ParseItem {
  return emit(ctx, format, {
    type: 'cert',
    id: `${f.fingerprintSha256}@${f.notBefore}..${f.notAfter}`,
    data: { ...f, role, origin: dropUndefined(origin) },
  });
}

/** PEM blocks of a text, with the line each starts on. Private-key bodies are skipped, never copied. */
export function pemBlocks(text: string): { blocks: PemBlock[]; problems: PemProblem[] } {
  const blocks: PemBlock[] = [];
  const problems: PemProblem[] = [];
  let open: { label: string; line: number; offset: number; body: string[]; secret: boolean } | undefined;
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const lineOffset = offset;
    offset += Buffer.byteLength(raw) + 1;
    const l = raw.trim();
    const begin = /^-----BEGIN ([A-Z0-9 ]{1,64})-----$/.exec(l);
    if (begin) {
      if (open) problems.push({ line: open.line, offset: open.offset, reason: `PEM block ${open.label} has no END line` });
      const label = begin[1] ?? '';
      open = { label, line: i + 1, offset: lineOffset, body: [], secret: label.includes('PRIVATE KEY') };
      return;
    }
    const end = /^-----END ([A-Z0-9 ]{1,64})-----$/.exec(l);
    if (end && open) {
      if (end[1] !== open.label) problems.push({ line: i + 1, offset: lineOffset, reason: `PEM END ${end[1]} does not close BEGIN ${open.label}` });
      else blocks.push({ label: open.label, body: open.secret ? '' : open.body.join(''), line: open.line, offset: open.offset });
      open = undefined;
      return;
    }
    // Encrypted-PEM headers (Proc-Type, DEK-Info) only occur in keys, whose bodies are not kept.
    if (open && !open.secret && l !== '') open.body.push(l);
  });
  if (open) problems.push({ line: open.line, offset: open.offset, reason: `PEM block ${open.label} has no END line` });
  return { blocks, problems };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
