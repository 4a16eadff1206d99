import { RetryableError, RetryAfterError, UnrecoverableJobError } from '@ztv/jobs';
import type { Notification } from './render';
import { parseRetryAfter } from './retry-after';

export interface DeliverOptions {
  /** Defaults to the global fetch (undici). */
  fetch?: typeof fetch;
  /** For the whole exchange: connect, send, response and body. */
  timeoutMs: number;
  now?: () => number;
}

/** Only the host of an endpoint appears in errors: the path of a Slack webhook or a query token is the secret. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || 'endpoint';
  } catch {
    return 'endpoint';
  }
}

/**
 * A secret URL can come back in pieces (a server echoing the request path, or just the token segment), so its path,
 * query and long path segments / query values are scrubbed too. Longest first, so a piece never hides a whole.
 */
function secretPieces(secrets: readonly string[]): string[] {
  const pieces = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    pieces.add(s);
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      continue;
    }
    pieces.add(u.href);
    if (u.pathname.length > 1) pieces.add(u.pathname + u.search).add(u.pathname);
    for (const part of [...u.pathname.split('/'), ...u.searchParams.values()])
      if (part.length >= 12) pieces.add(part);
  }
  return [...pieces].sort((a, b) => b.length - a.length);
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const piece of secretPieces(secrets)) out = out.split(piece).join('[redacted]');
  return out;
}

function failureReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  // undici: TypeError('fetch failed') with the socket error as cause; the cause's code says enough.
  return `failed: ${e?.cause?.code ?? e?.cause?.message ?? (err as Error)?.message ?? 'network error'}`;
}

/**
 * POSTs one notification. 2xx → delivered. 429 / 5xx → RetryAfterError when Retry-After says how long (seconds or an
 * HTTP-date), else RetryableError. Any other status (4xx, an unexpected redirect) → UnrecoverableJobError: the
 * request itself is wrong, so it is recorded and not retried. Network errors and timeouts → RetryableError. Errors
 * carry `context.statusCode` and name only the host; response snippets are scrubbed of every secret.
 */
export async function deliver(n: Notification, opts: DeliverOptions): Promise<{ statusCode: number }> {
  const host = hostOf(n.url);
  const doFetch = opts.fetch ?? fetch;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let res: Response;
  try {
    // Redirects are not followed: a webhook that moves is misconfigured, and following would re-send the body elsewhere.
    res = await doFetch(n.url, {
      method: 'POST',
      headers: { ...n.headers },
      body: n.body,
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    // No `cause`: undici's errors can quote the URL.
    throw new RetryableError(scrub(`POST to ${host} ${failureReason(err, opts.timeoutMs)}`, n.secrets), {
      context: { host },
    });
  }
  const statusCode = res.status;
  const body = await res.text().catch(() => '');
  if (statusCode >= 200 && statusCode < 300) return { statusCode };

  const snippet = scrub(body.replace(/\s+/g, ' ').trim().slice(0, 200), n.secrets);
  const message = `POST to ${host} answered ${statusCode}${snippet ? `: ${snippet}` : ''}`;
  const context = { host, statusCode };
  if (statusCode === 429 || statusCode >= 500) {
    const after = parseRetryAfter(res.headers.get('retry-after'), (opts.now ?? Date.now)());
    if (after !== undefined) throw new RetryAfterError(after, message, { context });
    throw new RetryableError(message, { context });
  }
  throw new UnrecoverableJobError(message, { context });
}
