import type { KubeConfig } from '@kubernetes/client-node';
import { isReachable, loadKubeConfig } from '@ztv/kube';
import type { SourceContext, SourceModule } from '../types';
import { KindWatcher, type KindState } from './kind-watcher';
import { selectKinds } from './kinds';
import { Stopper } from './stopper';

/**
 * The Kubernetes watchers: one KindWatcher per kind (see kinds.ts), all publishing `k8s.resource` upserts and
 * deletes to the compacted ztv.resources.v1 (cluster-wide kinds also to ztv.global.v1) and the `cert` events of
 * TLS Secrets, trust-bundle ConfigMaps and cert-manager Certificates. The kubeconfig is KUBECONFIG, else the
 * pod's service account inside a cluster; with neither the module stays off. An API server that does not answer
 * at start is tried again every 30 s.
 */
export class KubeWatchSource implements SourceModule {
  readonly name = 'kube-watch';
  private readonly watchers: KindWatcher[] = [];
  private readonly stopper = new Stopper();
  private starting: Promise<void> | undefined;

  constructor(private readonly ctx: SourceContext) {}

  /** Each watched kind and what its watcher is doing (absent = CRD not installed). */
  status(): Record<string, KindState> {
    return Object.fromEntries(this.watchers.map((w) => [w.kind, w.state]));
  }

  async start(): Promise<void> {
    const { env } = this.ctx;
    const kinds = selectKinds(env.COLLECTOR_KUBE_KINDS);
    const kc = this.kubeConfig();
    if (!kc) {
      this.ctx.logger.info('no KUBECONFIG and not running in a cluster: Kubernetes watchers are off');
      return;
    }
    this.starting = (async () => {
      for (let attempt = 1; !this.stopper.stopped; attempt++) {
        const r = await isReachable(kc, { timeoutMs: 5_000 });
        if (r.reachable) break;
        if (attempt === 1) this.ctx.logger.warn({ err: r.error, server: kc.getCurrentCluster()?.server }, 'Kubernetes API not reachable; watchers start when it answers');
        await this.stopper.sleep(30_000);
      }
      if (this.stopper.stopped) return;
      for (const kind of kinds) {
        const w = new KindWatcher({
          kc,
          kind,
          sink: this.ctx.sink,
          cluster: this.ctx.cluster,
          logger: this.ctx.logger,
          counters: this.ctx.counters,
          clock: this.ctx.clock,
          resyncMs: env.COLLECTOR_KUBE_RESYNC_SECONDS * 1000,
          crdRecheckMs: env.COLLECTOR_KUBE_CRD_RECHECK_SECONDS * 1000,
        });
        this.watchers.push(w);
        w.start();
      }
      this.ctx.logger.info({ kinds: kinds.map((k) => k.kind), server: kc.getCurrentCluster()?.server }, 'Kubernetes watchers started');
    })();
  }

  async stop(): Promise<void> {
    this.stopper.stop();
    await this.starting;
    await Promise.all(this.watchers.map((w) => w.stop()));
  }

  private kubeConfig(): KubeConfig | undefined {
    const { env } = this.ctx;
    if (env.KUBECONFIG) return loadKubeConfig({ kubeconfigPath: env.KUBECONFIG.split(':')[0] });
    if (env.KUBERNETES_SERVICE_HOST) return loadKubeConfig({ inCluster: true });
    return undefined;
  }
}
