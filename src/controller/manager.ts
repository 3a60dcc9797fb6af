/**
 * The controller's manager: a pool of workers draining the work queue into reconcile, and the pure
 * event → keys fan-out the informers feed it. Like controller-runtime's manager, minus the cache:
 * informers live in main.ts, which wires them to enqueue().
 */
import type { Logger } from 'pino';
import { LABEL_MANAGED_BY, LABEL_REGISTRY, MANAGED_BY } from '../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';
import type { ConfigMapObject } from '../kube/configmaps.ts';
import { isStorageOf } from './watch/configmap-cache.ts';
import type { WorkQueue } from './watch/queue.ts';
import type { ControllerMetrics } from './metrics.ts';
import type { ReconcileResult } from './sync/reconciler.ts';

/**
 * The registries a ConfigMap event concerns (pure): the registry whose storage it is (managed-by
 * label, or its name `<registry>-registry-storage[-n]`: an edit that strips our labels, or the
 * deletion of a user's object that held the name, must reach the registry too), and every registry in
 * its namespace with a configmap source naming it.
 */
export function registriesForConfigMap(
  cm: Pick<ConfigMapObject, 'metadata'>,
  registries: Iterable<Pick<MCPRegistryV1beta1, 'metadata' | 'spec'>>,
): string[] {
  const ns = cm.metadata.namespace ?? '';
  const keys = new Set<string>();
  const owner = cm.metadata.labels?.[LABEL_REGISTRY];
  if (owner && cm.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY) keys.add(`${ns}/${owner}`);
  for (const reg of registries)
    if (
      reg.metadata.namespace === ns &&
      (isStorageOf(cm.metadata.name, reg.metadata.name ?? '') ||
        reg.spec.sources.some((s) => s.type === 'configmap' && s.configMapRef?.name === cm.metadata.name))
    )
      keys.add(`${ns}/${reg.metadata.name ?? ''}`);
  return [...keys];
}

export interface ManagerOptions {
  queue: WorkQueue;
  reconcile: (key: string) => Promise<ReconcileResult>;
  workers: number;
  metrics: ControllerMetrics;
  log: Logger;
}

export class Manager {
  private readonly o: ManagerOptions;
  private running = false;
  private workers: Promise<void>[] = [];
  /** Idle workers waiting for a key or the next delayed one; woken by enqueue(). */
  private readonly sleepers = new Set<() => void>();

  constructor(o: ManagerOptions) {
    this.o = o;
  }

  get started(): boolean {
    return this.running;
  }

  enqueue(key: string): void {
    this.o.queue.add(key);
    for (const wake of this.sleepers) wake();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.workers = Array.from({ length: this.o.workers }, () => this.work());
  }

  /** Stops handing out keys and waits (at most graceMs) for reconciles in flight. */
  async stop(graceMs = 5000): Promise<void> {
    this.running = false;
    for (const wake of this.sleepers) wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.workers), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  private async sleep(): Promise<void> {
    const delay = this.o.queue.nextDelay();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      // Wake at least every second: delayed keys become due without an event.
      const t = setTimeout(done, delay === undefined ? 1000 : Math.min(delay, 1000));
      this.sleepers.add(done);
    });
  }

  private async work(): Promise<void> {
    const { queue, metrics, log } = this.o;
    while (this.running) {
      const key = queue.get();
      if (key === undefined) {
        await this.sleep();
        continue;
      }
      metrics.queueDepth.set({ name: 'mcpregistry' }, queue.depth());
      const end = metrics.reconcileTime.startTimer({ controller: 'mcpregistry' });
      try {
        const res = await this.o.reconcile(key);
        queue.forget(key);
        if (res.requeueAfterMs !== undefined) queue.addAfter(key, res.requeueAfterMs);
        metrics.reconcileTotal.inc({
          controller: 'mcpregistry',
          result: res.requeueAfterMs !== undefined ? 'requeue_after' : 'success',
        });
      } catch (e) {
        if (e instanceof Error && e.name === 'NotLeaderError') {
          log.warn({ key }, 'dropped a write: not the leader');
        } else {
          metrics.reconcileErrors.inc({ controller: 'mcpregistry' });
          metrics.reconcileTotal.inc({ controller: 'mcpregistry', result: 'error' });
          const delay = queue.addRateLimited(key);
          log.error({ key, err: (e as Error).message, retryInMs: delay }, 'reconcile failed');
        }
      } finally {
        end();
        queue.done(key);
      }
    }
  }
}
