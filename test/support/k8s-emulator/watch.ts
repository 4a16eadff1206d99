import type { ServerResponse } from 'node:http';
import type { JsonObject } from './json';
import { present } from './objects';
import { apiVersionOf } from './registry';
import type { ResourceRequest } from './request';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { badRequest, expired } from './status';
import type { StoreEvent } from './store';

export interface WatchSettings {
  bookmarkIntervalMs: number;
  /** Open watches, so the emulator can end them on close(). */
  open: Set<ServerResponse>;
}

const truthy = (v: string | null): boolean => v === 'true' || v === '1';

/**
 * A watch stream: newline-delimited JSON events. Without a resourceVersion (or with "0") it starts with
 * synthetic ADDED events for what exists; with one it replays the retained history after it, or sends an
 * ERROR event with a 410 Status and ends when that history is gone. Selector changes turn MODIFIED into
 * ADDED/DELETED as the API server does.
 */
export function serveWatch(req: ResourceRequest, res: ServerResponse, settings: WatchSettings): void {
  const { store, t } = req;
  const byLabel = parseLabelSelector(req.query.get('labelSelector') ?? undefined);
  const byField = parseFieldSelector(req.query.get('fieldSelector') ?? undefined);
  const inScope = (o: JsonObject): boolean => {
    const meta = o.metadata as JsonObject;
    if (t.namespaced && req.namespace !== undefined && meta.namespace !== req.namespace) return false;
    return (req.name === undefined || meta.name === req.name) && byLabel(o) && byField(o);
  };
  const rvParam = req.query.get('resourceVersion') ?? '';
  const fromNow = rvParam === '' || rvParam === '0';
  if (!fromNow && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: ${rvParam}`);
  const history = fromNow ? [] : store.eventsAfter(Number(rvParam));

  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  // Clients wait for the headers before they consider the watch open; an idle watch must still send them.
  res.flushHeaders();
  settings.open.add(res);
  const send = (type: string, object: unknown): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const sendObject = (type: string, o: JsonObject): void => send(type, present(t, req.version, o));
  let lastRv = fromNow ? store.resourceVersion : Number(rvParam);
  const onEvent = (e: StoreEvent): void => {
    if (e.resource !== t) return;
    lastRv = e.rv;
    const now = inScope(e.object);
    const before = e.previous !== undefined && e.type === 'MODIFIED' ? inScope(e.previous) : now;
    if (e.type === 'MODIFIED' && before !== now) sendObject(now ? 'ADDED' : 'DELETED', e.object);
    else if (now) sendObject(e.type, e.object);
  };

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};
  const end = (): void => {
    for (const timer of timers) clearInterval(timer);
    unsubscribe();
    settings.open.delete(res);
    if (!res.writableEnded) res.end();
  };
  res.on('close', end);

  if (history === undefined) {
    send('ERROR', expired(rvParam, store.oldestAvailable).toBody());
    end();
    return;
  }
  if (fromNow) for (const o of store.list(t, req.namespace)) if (inScope(o)) sendObject('ADDED', o);
  for (const e of history) onEvent(e);
  unsubscribe = store.subscribe({
    onEvent,
    onExpire: () => {
      send('ERROR', expired(String(lastRv), store.oldestAvailable).toBody());
      end();
    },
  });
  if (truthy(req.query.get('allowWatchBookmarks'))) {
    const bookmark = (): void =>
      send('BOOKMARK', {
        kind: t.kind,
        apiVersion: apiVersionOf(t.group, req.version),
        metadata: { resourceVersion: String(store.resourceVersion) },
      });
    timers.push(setInterval(bookmark, settings.bookmarkIntervalMs));
  }
  const timeoutSeconds = Number(req.query.get('timeoutSeconds') ?? 0);
  if (timeoutSeconds > 0) timers.push(setTimeout(end, timeoutSeconds * 1000));
}
