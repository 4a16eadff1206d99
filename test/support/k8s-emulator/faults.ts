/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  method?: string;
  /** A path prefix (`/apis/apps/v1/namespaces/a/deployments`) or a pattern tested against the path. */
  path?: string | RegExp;
  /** Only watch requests (true) or only non-watch requests (false). */
  watch?: boolean;
  /** Only requests with this Content-Type (e.g. 'application/apply-patch+yaml'). */
  contentType?: string;
}

export interface FaultAction {
  /** Answer with a Status of this code (403, 409, 410, 422, 429, 500, 503, ...) instead of serving. */
  status?: number;
  message?: string;
  /** How many matching requests to affect; unlimited when absent. */
  times?: number;
  /** Wait this long before answering (with the fault, or normally when no status is set): client timeouts. */
  delayMs?: number;
  /** Destroy the connection without an answer (the client sees ECONNRESET / "socket hang up"). */
  reset?: boolean;
  /** Extra response headers, e.g. { 'retry-after': '1' } with a 429. */
  headers?: Record<string, string>;
}

interface RequestFacts {
  method: string;
  path: string;
  watch: boolean;
  contentType: string;
}

interface Fault {
  match: FaultMatch;
  action: FaultAction;
  remaining: number;
}

export class Faults {
  private readonly faults: Fault[] = [];

  add(match: FaultMatch, action: FaultAction): () => void {
    const fault: Fault = { match, action, remaining: action.times ?? Infinity };
    this.faults.push(fault);
    return () => this.remove(fault);
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The first fault that matches, counted as used. */
  take(req: RequestFacts): FaultAction | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && matches(f.match, req));
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.remove(fault);
    return fault.action;
  }

  private remove(fault: Fault): void {
    const i = this.faults.indexOf(fault);
    if (i >= 0) this.faults.splice(i, 1);
  }
}

function matches(m: FaultMatch, req: RequestFacts): boolean {
  if (m.method && m.method.toUpperCase() !== req.method) return false;
  if (m.watch !== undefined && m.watch !== req.watch) return false;
  if (m.contentType && !req.contentType.startsWith(m.contentType)) return false;
  if (typeof m.path === 'string' && !req.path.startsWith(m.path)) return false;
  if (m.path instanceof RegExp && !m.path.test(req.path)) return false;
  return true;
}
