import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Discovery } from './discovery';
import type { Faults } from './faults';
import { create, list, read, remove, removeCollection, replace } from './handlers';
import { patch } from './patch-handler';
import type { Reply, ResourceRequest } from './request';
import { route } from './route';
import { StatusError, injected, pathNotFound, unauthorized } from './status';
import type { ObjectStore } from './store';
import { serveWatch } from './watch';

/** One request as the emulator saw it, for tests that check which calls a component made. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  /** The request body as text (undefined when empty): what an apply or a patch sent. */
  body: string | undefined;
  watch: boolean;
  /** The HTTP status answered (200 for a watch once it streams). */
  status?: number;
}

export interface ServerParts {
  store: ObjectStore;
  discovery: Discovery;
  faults: Faults;
  token: string;
  bookmarkIntervalMs: number;
  requests: RecordedRequest[];
  openWatches: Set<ServerResponse>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(
  res: ServerResponse,
  record: RecordedRequest,
  { status, body }: Reply,
  headers: Record<string, string> = {},
): void {
  record.status = status;
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function createEmulatorServer(parts: ServerParts): Server {
  return createServer((req, res) => {
    handle(parts, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(new StatusError(500, 'InternalError', String(e)).toBody()));
    });
  });
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  const contentType = req.headers['content-type'];
  const record: RecordedRequest = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    contentType,
    body: body.length > 0 ? body.toString('utf8') : undefined,
    watch,
  };
  parts.requests.push(record);

  if (req.headers.authorization !== `Bearer ${parts.token}`)
    return reply(res, record, toReply(unauthorized()));
  const fault = parts.faults.take({ method, path: url.pathname, watch, contentType: contentType ?? '' });
  if (fault?.delayMs) await sleep(fault.delayMs);
  if (fault?.reset) {
    record.status = 0;
    req.socket.destroy();
    return;
  }
  if (fault?.status) return reply(res, record, toReply(injected(fault.status, fault.message)), fault.headers);

  try {
    const result = dispatch(parts, req, res, { url, method, watch, body, contentType: contentType ?? '' });
    if (result) reply(res, record, result);
    else record.status = 200;
  } catch (e) {
    if (e instanceof StatusError) reply(res, record, toReply(e));
    else throw e;
  }
}

const toReply = (e: StatusError): Reply => ({ status: e.code, body: e.toBody() });
const ok = (body: unknown): Reply => ({ status: 200, body });

interface Incoming {
  url: URL;
  method: string;
  watch: boolean;
  body: Buffer;
  contentType: string;
}

/** Routes and serves a request; undefined when the response is a watch stream already under way. */
function dispatch(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
  inc: Incoming,
): Reply | undefined {
  const { discovery } = parts;
  const r = route(inc.url.pathname, (g) => discovery.isServed(g));
  const get = inc.method === 'GET';
  const notAllowed = new StatusError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource`,
  );
  if (r.to !== 'resource') {
    if (!get && r.to !== 'notFound') throw notAllowed;
    switch (r.to) {
      case 'version':
        return ok(discovery.version());
      case 'health':
        return { status: 200, body: 'ok' };
      case 'coreVersions':
        return ok(discovery.coreVersions());
      case 'groupList':
        return ok(discovery.groupList());
      case 'group':
        return ok(discovery.groupDocument(r.group) ?? raise(pathNotFound()));
      case 'resourceList':
        return ok(discovery.resourceList(r.group, r.version) ?? raise(pathNotFound()));
      case 'notFound':
        throw pathNotFound();
    }
  }
  const rr: ResourceRequest = {
    store: parts.store,
    t: r.t,
    version: r.version,
    namespace: r.namespace,
    name: r.name,
    subresource: r.subresource,
    query: inc.url.searchParams,
    body: inc.body,
    contentType: inc.contentType,
    userAgent: req.headers['user-agent'] ?? '',
  };
  const item = r.name !== undefined;
  switch (inc.method) {
    case 'GET':
      if (inc.watch) {
        serveWatch(rr, res, { bookmarkIntervalMs: parts.bookmarkIntervalMs, open: parts.openWatches });
        return undefined;
      }
      return item ? read(rr) : list(rr);
    case 'POST':
      if (!item) return create(rr);
      break;
    case 'PUT':
      if (item) return replace(rr);
      break;
    case 'PATCH':
      if (item) return patch(rr);
      break;
    case 'DELETE':
      return item ? remove(rr) : removeCollection(rr);
  }
  throw notAllowed;
}

function raise(e: StatusError): never {
  throw e;
}
