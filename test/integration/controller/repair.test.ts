/**
 * Repair without waiting, against the real apiserver with a real controller:
 * - issue #21.1: a failed registry whose missing ConfigMap is created, or whose missing Secret is
 *   created, syncs at once instead of at the end of its failure backoff;
 * - issue #12.10: a hand-edited storage ConfigMap is rewritten although the source is unchanged, and
 *   a Warning Event says so.
 * The backoff here starts at 4 s (doubling), so "before the next scheduled retry" is told from the
 * status timestamps and the controller's own record of why it synced, not from wall-clock limits.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  client,
  createNamespace,
  eventually,
  eventsText,
  tamperStorage,
  kubeconfigPath,
} from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { failureBackoffMs } from '../../../src/controller/sync/sync-decision.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { FIXTURE, getReg, putConfigMap, registry, waitPhase } from './helpers.ts';

const BASE_MS = 4000;
let ns: string;
let ctrl: ControllerProcess;

before(async () => {
  ns = await createNamespace('ctrl-repair');
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns],
    env: { MCPR_SYNC_BACKOFF_BASE_MS: String(BASE_MS), MCPR_SYNC_BACKOFF_MAX_MS: '600000' },
  });
});
after(async () => {
  await ctrl?.stop();
});

/** The reasons the controller logged for each sync of one registry, in order. */
function syncReasons(name: string): string[] {
  return ctrl
    .log()
    .split('\n')
    .flatMap((l) => {
      try {
        const j = JSON.parse(l) as { msg?: string; name?: string; namespace?: string; reason?: string };
        return j.msg === 'syncing' && j.name === name && j.namespace === ns ? [j.reason ?? ''] : [];
      } catch {
        return [];
      }
    });
}

/** Waits for the third failed attempt and returns that status (the fourth is BASE×4 later). */
async function thirdFailure(name: string): Promise<MCPRegistryV1beta1> {
  return eventually(
    `${name}: three failed attempts`,
    async () => {
      const r = await getReg(ns, name);
      return r.status?.phase === 'Failed' && r.status.sync?.attempts === 3 ? r : undefined;
    },
    90_000,
  );
}

test('a registry failing on a missing ConfigMap syncs as soon as the ConfigMap is created', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'late-cm', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'late' } }],
    }),
  );
  const failed = await thirdFailure('late-cm');
  assert.equal(
    failed.status?.conditions?.find((c) => c.type === 'SourceAvailable')?.reason,
    'ConfigMapNotFound',
  );
  const nextRetry =
    Date.parse(failed.status?.sync?.lastAttemptTime ?? '') + failureBackoffMs(3, BASE_MS, 600_000);
  await putConfigMap(ns, 'late', { 'registry.json': FIXTURE });
  const ready = await waitPhase(ns, 'late-cm', 'Ready', () => true, 60_000);
  assert.ok(
    Date.parse(ready.status?.sync?.lastSyncTime ?? '') < nextRetry,
    `synced at ${ready.status?.sync?.lastSyncTime}, not before the retry due at ${new Date(nextRetry).toISOString()}`,
  );
  assert.deepEqual(syncReasons('late-cm'), ['Initial', 'Retry', 'Retry', 'SourceChanged']);
});

test('a registry failing on a missing Secret syncs soon after the Secret is created, not at the end of the backoff', async () => {
  // The URL cannot be fetched either; what matters is that the Secret is read again at once.
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'late-secret', {
      sources: [
        {
          name: 'main',
          type: 'url',
          url: {
            href: 'https://catalog.example.invalid/registry.json',
            headersSecretRef: { name: 'late-headers' },
          },
        },
      ],
    }),
  );
  const failed = await thirdFailure('late-secret');
  const source = failed.status?.conditions?.find((c) => c.type === 'SourceAvailable');
  assert.equal(source?.reason, 'SecretNotFound');
  const nextRetry =
    Date.parse(failed.status?.sync?.lastAttemptTime ?? '') + failureBackoffMs(3, BASE_MS, 600_000);
  await client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns },
    {
      metadata: { name: 'late-headers', labels: { 'toolhive.stacklok.io/registry-credential': 'true' } },
      stringData: { 'X-Team': 'search' },
    },
  );
  const next = await eventually(
    'the attempt after the Secret exists',
    async () => {
      const r = await getReg(ns, 'late-secret');
      return (r.status?.sync?.attempts ?? 0) >= 4 ? r : undefined;
    },
    60_000,
  );
  assert.notEqual(
    next.status?.conditions?.find((c) => c.type === 'SourceAvailable')?.reason,
    'SecretNotFound',
  );
  assert.ok(Date.parse(next.status?.sync?.lastAttemptTime ?? '') < nextRetry);
  assert.deepEqual(syncReasons('late-secret'), ['Initial', 'Retry', 'Retry', 'SourceChanged']);
});

test('a hand-edited storage ConfigMap is rewritten though the source is unchanged, and an Event says so', async () => {
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'kept', {
      sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
    }),
  );
  const ready = await waitPhase(ns, 'kept', 'Ready');
  const cm = { group: '', version: 'v1', plural: 'configmaps', namespace: ns, name: 'kept-registry-storage' };
  const original = (await client().get<{ data: Record<string, string> }>(cm)).data;
  tamperStorage(ns, 'kept-registry-storage');
  await eventually(
    'storage rewritten',
    async () => {
      const now = (await client().get<{ data: Record<string, string> }>(cm)).data;
      return JSON.stringify(now) === JSON.stringify(original) ? true : undefined;
    },
    60_000,
  );
  const events = eventsText(
    ns,
    'involvedObject.name=kept,reason=StorageRepaired',
    '{range .items[*]}{.type} {.message}{"\\n"}{end}',
  );
  assert.equal(
    events.trim(),
    `Warning storage ConfigMap kept-registry-storage was changed outside the controller (its content no longer matches the toolhive.stacklok.io/content-sha256 annotation); rewrote it: synced ${ready.status?.sync?.serverCount} servers from source main`,
  );
  const after = await getReg(ns, 'kept');
  assert.equal(after.status?.phase, 'Ready');
  assert.equal(after.status?.sync?.hash, ready.status?.sync?.hash, 'same source data');
  assert.ok(syncReasons('kept').includes('StorageDrift'));
});
