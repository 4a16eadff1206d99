import type { FormatId, Position } from './types';

const SNIPPET_MAX = 240;

export interface FormatErrorInit {
  file?: string | undefined;
  line?: number | undefined;
  offset?: number | undefined;
  format?: FormatId | undefined;
  reason: string;
  /** Raw input around the problem; it is redacted and truncated here, so callers may pass it whole. */
  snippet?: string | undefined;
  cause?: unknown;
}

/**
 * The one error @ztv/formats produces: an input that could not be read, with where and why.
 * Parsers return it as a value (`{ ok: false, error }`); nothing in this package throws anything else.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  /** Reading the same bytes again gives the same answer. */
  readonly retry = false;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly offset: number | undefined;
  readonly format: FormatId | undefined;
  readonly reason: string;
  readonly snippet: string;

  constructor(init: FormatErrorInit) {
    // A FormatError describes input, not code: a stack trace says nothing, and capturing one per bad line
    // is most of the cost of reading a file full of them.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    Error.stackTraceLimit = limit;
    this.file = init.file;
    this.line = init.line;
    this.offset = init.offset;
    this.format = init.format;
    this.reason = init.reason;
    this.snippet = redactSnippet(init.snippet ?? '');
  }

  /** The same error placed at a position, unless it already names one. */
  at(pos: Position | undefined): FormatError {
    if (!pos || this.line !== undefined) return this;
    return new FormatError({ ...this.toInit(), line: pos.line, offset: pos.offset });
  }

  /** The same error with where-in-the-record prefixed to its reason (`items[3]: ...`). */
  within(where: string): FormatError {
    return new FormatError({ ...this.toInit(), reason: `${where}: ${this.reason}` });
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...this.toInit() };
  }

  private toInit(): FormatErrorInit {
    const { file, line, offset, format, reason, snippet } = this;
    return { file, line, offset, format, reason, snippet, cause: this.cause };
  }
}

function describe(init: FormatErrorInit): string {
  const where = `${init.file ?? '<input>'}${init.line === undefined ? '' : `:${init.line}`}`;
  return `${where}: ${init.format ?? 'unrecognised format'}: ${init.reason}`;
}

/**
 * Snippets end up in logs and the dead-letter topic: private keys and Secret values never do.
 * Anything from a private-key PEM header on is cut, as are `tls.key`-like values, Secret `data` and long base64.
 */
export function redactSnippet(raw: string): string {
  // Only the head can appear in the result; bounding it first keeps redaction cheap on whole documents.
  let s = raw.slice(0, SNIPPET_MAX * 4);
  const key = s.search(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PRIVATE KEY/);
  if (key >= 0) s = `${s.slice(0, key)}[redacted]`;
  s = s.replace(/("?(?:tls\.key|ssh-privatekey|[\w.-]*private[\w.-]*key)"?\s*[:=]\s*)("[^"]*"?|\S+)/gi, '$1[redacted]');
  s = s.replace(/("?(?:data|stringData)"?\s*:\s*)\{[^}]*\}?/g, '$1{[redacted]}');
  // Base64 runs this long are key or certificate bodies (a Secret's data is base64 PEM): no use in a snippet.
  s = s.replace(/[A-Za-z0-9+/]{100,}={0,2}/g, '[base64 elided]');
  return s.length > SNIPPET_MAX ? `${s.slice(0, SNIPPET_MAX)}…` : s;
}
