import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { KubeNotFoundError } from '@ztv/kube';
import type { Logger } from '@ztv/telemetry';
import type { SourceCounters } from '../../pipeline/source-metrics';
import type { EventSink } from '../../sink';
import { apiVersionOf, collectionPath, type WatchedKind } from './kinds';
import { kubeGetJson } from './kube-get';
import { objectEvents, SOURCE, type ObjectEvents } from './resource-events';
import { Stopper } from './stopper';

type Json = Record<string, unknown>;
type WatchEnd = 'closed' | 'gone' | 'overflow' | 'resync' | 'error';
type Item = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Json } | { type: 'BOOKMARK'; rv: string };

export interface KindWatcherOptions {
  kc: KubeConfig;
  kind: WatchedKind;
  sink: EventSink;
  cluster: string;
  logger: Logger;
  counters: SourceCounters;
  clock: () => Date;
  resyncMs: number;
  crdRecheckMs: number;
  pageSize?: number;
  /** Watch events held while Kafka refuses them; past this the watch is dropped and the kind relisted later. */
  maxQueue?: number;
  requestTimeoutMs?: number;
}

export type KindState = 'starting' | 'absent' | 'listing' | 'watching' | 'failing' | 'stopped';

/**
 * List + watch of one kind across the cluster, publishing what changed. The list is diffed against what was
 * published before (`known`, updated only after Kafka acknowledged), so a relist (first start, 410 Gone, a
 * dropped watch, the periodic resync) publishes exactly the upserts and deletes that were missed. The watch asks
 * for bookmarks and resumes from the last resourceVersion whose events are in Kafka. A kind whose API group is
 * not served (no Cilium, Istio, cert-manager) is logged once and looked for again every `crdRecheckMs`.
 */
export class KindWatcher {
  state: KindState = 'starting';
  private readonly known = new Map<string, Json>();
  private readonly stopper = new Stopper();
  private version: string | undefined;
  private rv = '';
  private needsList = true;
  private absentLogged = false;
  private loop: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: KindWatcherOptions) {
    this.log = opts.logger.child({ source: SOURCE, kind: opts.kind.kind });
  }

  get kind(): string {
    return this.opts.kind.kind;
  }

  /** Objects currently known (published and not deleted). */
  get size(): number {
    return this.known.size;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopper.stop();
    await this.loop;
    this.state = 'stopped';
  }

  private async run(): Promise<void> {
    let failures = 0;
    let listedAt = 0;
    while (!this.stopper.stopped) {
      try {
        if (this.needsList) {
          if (!(await this.relist())) {
            await this.stopper.sleep(this.opts.crdRecheckMs);
            continue;
          }
          this.needsList = false;
          listedAt = Date.now();
        }
        const end = await this.watchOnce(Math.max(1000, this.opts.resyncMs - (Date.now() - listedAt)));
        if (end === 'gone' || end === 'overflow' || end === 'resync') this.needsList = true;
        if (end === 'error') throw new Error('the watch failed');
        if (end === 'gone') this.log.info('watch expired (410 Gone); relisting');
        failures = 0;
      } catch (err) {
        if (this.stopper.stopped) break;
        failures++;
        this.state = 'failing';
        if (failures === 1 || failures % 10 === 0) this.log.warn({ err, failures }, 'Kubernetes list/watch failed; retrying');
        await this.stopper.sleep(Math.min(500 * 2 ** Math.min(failures, 7), 60_000));
      }
    }
  }

  /** Lists every object and publishes what differs from `known`. False when the kind is not served. */
  private async relist(): Promise<boolean> {
    this.state = 'listing';
    const first = await this.firstPage();
    if (!first) return false;
    const { version, page } = first;
    const apiVersion = apiVersionOf(this.opts.kind, version);
    const seen = new Set<string>();
    let list = page;
    for (;;) {
      const items = Array.isArray(list.items) ? (list.items as Json[]) : [];
      const changed: Json[] = [];
      for (const item of items) {
        const obj = { apiVersion, kind: this.opts.kind.kind, ...item };
        seen.add(keyOf(obj));
        if (rvOf(this.known.get(keyOf(obj))) !== rvOf(obj)) changed.push(obj);
      }
      this.opts.counters.count(SOURCE, 'received', items.length);
      await this.publish(changed.map((o) => ({ type: 'MODIFIED' as const, object: o })));
      const next = ((list.metadata ?? {}) as Json).continue;
      if (typeof next !== 'string' || next === '') break;
      list = await kubeGetJson(this.opts.kc, collectionPath(this.opts.kind, version), { limit: String(this.opts.pageSize ?? 500), continue: next }, this.timeout());
    }
    const gone = [...this.known].filter(([k]) => !seen.has(k)).map(([, o]) => ({ type: 'DELETED' as const, object: o }));
    await this.publish(gone);
    this.rv = String(((page.metadata ?? {}) as Json).resourceVersion ?? '');
    return true;
  }

  private async firstPage(): Promise<{ version: string; page: Json } | undefined> {
    const versions = this.version ? [this.version, ...this.opts.kind.versions.filter((v) => v !== this.version)] : this.opts.kind.versions;
    for (const version of versions) {
      try {
        const page = await kubeGetJson(this.opts.kc, collectionPath(this.opts.kind, version), { limit: String(this.opts.pageSize ?? 500) }, this.timeout());
        if (this.absentLogged) this.log.info({ version }, 'the kind is served now; watching it');
        this.absentLogged = false;
        this.version = version;
        return { version, page };
      } catch (err) {
        if (!(err instanceof KubeNotFoundError)) throw err;
      }
    }
    if (!this.absentLogged) {
      const group = this.opts.kind.group || 'core';
      this.log.info({ group, versions: this.opts.kind.versions, recheckMs: this.opts.crdRecheckMs }, 'the API group is not served (CRD not installed); skipping this kind');
    }
    this.absentLogged = true;
    this.state = 'absent';
    return undefined;
  }

  /** One watch from `rv`: publishes its events in order until it ends, and says why it ended. */
  private async watchOnce(resyncInMs: number): Promise<WatchEnd> {
    this.state = 'watching';
    const version = this.version as string;
    const queue: Item[] = [];
    let end: WatchEnd | undefined;
    let gone = false;
    let wake: () => void = () => undefined;
    const finish = (why: WatchEnd) => {
      end ??= why;
      wake();
    };
    const started = Date.now();
    let events = 0;
    const query = { resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) };
    const ctl = await new Watch(this.opts.kc).watch(
      collectionPath(this.opts.kind, version),
      query,
      (type: string, obj: Json) => {
        if (end) return;
        events++;
        if (type === 'ERROR') gone ||= obj.code === 410;
        else if (type === 'BOOKMARK') queue.push({ type, rv: rvOf(obj) });
        else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') queue.push({ type, object: { apiVersion: apiVersionOf(this.opts.kind, version), kind: this.opts.kind.kind, ...obj } });
        if (queue.length > (this.opts.maxQueue ?? 10_000)) {
          queue.length = 0;
          this.log.warn('Kafka is not taking events and the watch buffer is full; dropping the watch, will relist');
          finish('overflow');
          ctl.abort();
        }
        wake();
      },
      (err: { statusCode?: number } | null) => finish(err ? (err.statusCode === 410 ? 'gone' : 'error') : gone ? 'gone' : 'closed'),
    );
    const resync = setTimeout(() => {
      finish('resync');
      ctl.abort();
    }, resyncInMs);
    const stopping = this.stopper.onStop(() => {
      finish('closed');
      ctl.abort();
    });
    try {
      for (;;) {
        if (queue.length) await this.publish(queue.splice(0, 500));
        // A watch the server closes at once without a word is failing, not done: back off before the next one.
        else if (end) return end === 'closed' && events === 0 && Date.now() - started < 1000 && !this.stopper.stopped ? 'error' : end;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      clearTimeout(resync);
      stopping();
      ctl.abort();
    }
  }

  /** Publishes items in order (retrying while Kafka refuses), then records them as known and moves `rv`. */
  private async publish(items: Item[]): Promise<void> {
    if (!items.length) return;
    const ctx = { cluster: this.opts.cluster, observedAt: this.opts.clock().toISOString() };
    const batch: ObjectEvents = { events: [], deadLetters: [] };
    for (const it of items) {
      if (it.type === 'BOOKMARK') continue;
      const r = objectEvents(it.object, it.type === 'DELETED' ? 'delete' : 'upsert', ctx);
      batch.events.push(...r.events);
      batch.deadLetters.push(...r.deadLetters);
    }
    for (let failures = 0; ; failures++) {
      try {
        if (batch.events.length || batch.deadLetters.length) await this.opts.sink.publish(batch.events, batch.deadLetters);
        break;
      } catch (err) {
        if (this.stopper.stopped) throw err;
        if (failures === 0) this.log.warn({ err }, 'Kafka refused watch events; holding the watch and retrying');
        await this.stopper.sleep(Math.min(500 * 2 ** Math.min(failures, 6), 30_000));
      }
    }
    for (const it of items) {
      if (it.type === 'BOOKMARK') {
        if (it.rv) this.rv = it.rv;
        continue;
      }
      if (it.type === 'DELETED') this.known.delete(keyOf(it.object));
      else this.known.set(keyOf(it.object), stub(it.object));
      const rv = rvOf(it.object);
      if (rv) this.rv = rv;
    }
  }

  private timeout(): number {
    return this.opts.requestTimeoutMs ?? 30_000;
  }
}

function meta(o: Json | undefined): Json {
  return ((o?.metadata ?? {}) as Json) ?? {};
}

function keyOf(o: Json): string {
  const m = meta(o);
  return `${String(m.namespace ?? '')}/${String(m.name ?? '')}`;
}

function rvOf(o: Json | undefined): string {
  return String(meta(o).resourceVersion ?? '');
}

/** What is kept of a published object: enough to publish its delete if a relist finds it gone. */
function stub(o: Json): Json {
  const m = meta(o);
  const keep = Object.fromEntries(['name', 'namespace', 'uid', 'resourceVersion'].filter((k) => m[k] !== undefined).map((k) => [k, m[k]]));
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: keep };
}
