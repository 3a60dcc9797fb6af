/**
 * What one compliance tick (SPEC §11) asks the real apiserver: nothing while no registry enforces
 * (the registries and their storage metadata come from the controller's caches: a LIST of every
 * MCPRegistry each 30 s was, at 10,000 registries, tens of MB parsed on the event loop), and with
 * enforcing namespaces each workload CRD once per tick, not once per namespace; the condition is
 * still written on every enforcing registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { client } from '../../support/cluster.ts';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { Compliance } from '../../../src/controller/compliance/compliance.ts';
import { WORKLOAD_KINDS } from '../../../src/admission/workloads/index.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { CONFIGMAPS, type ConfigMapObject } from '../../../src/kube/configmaps.ts';
import { METADATA_ACCEPT, type KubeClient } from '../../../src/kube/client.ts';
import { storageName } from '../../../src/storage/layout.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { registryWith, TOOLHIVE_DOC, workloadNamespace } from './helpers.ts';

/** The real client, recording `method plural` of every call. */
function recording(sent: string[]): KubeClient {
  const real = client();
  return new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const ref = args[0] as { plural?: string } | undefined;
        sent.push(`${String(prop)} ${ref?.plural ?? ''}`);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** What the controller's caches would hold: the registries and their storage ConfigMaps' metadata. */
async function cacheOf(regs: [string, string][]) {
  const registries: MCPRegistryV1beta1[] = [];
  const storage = new Map<string, ConfigMapObject>();
  for (const [namespace, name] of regs) {
    registries.push(await client().get<MCPRegistryV1beta1>({ ...REGISTRIES, namespace, name }));
    const cm = await client().find<ConfigMapObject>(
      { ...CONFIGMAPS, namespace, name: storageName(name) },
      undefined,
      METADATA_ACCEPT,
    );
    if (cm) storage.set(`${namespace}/${storageName(name)}`, cm);
  }
  return {
    registries: () => registries,
    storageMeta: (namespace: string, name: string) => storage.get(`${namespace}/${name}`),
  };
}

const condition = async (namespace: string) =>
  (
    await client().get<MCPRegistryV1beta1>({ ...REGISTRIES, namespace, name: 'corp' })
  ).status?.conditions?.find((c) => c.type === 'WorkloadsCompliant');

test('a tick asks nothing while no registry enforces, and each workload CRD once for all enforcing namespaces', async () => {
  const kinds = await installToolhiveCrds('2026-08-21');
  const [a, b, quiet] = [await workloadNamespace(), await workloadNamespace(), await workloadNamespace()];
  await registryWith(quiet, 'corp', TOOLHIVE_DOC, { enforceServers: false });
  const sent: string[] = [];
  const log = pino({ level: 'silent' });
  const base = { client: recording(sent), log, guard: () => {} };

  await new Compliance({ ...base, ...(await cacheOf([[quiet, 'corp']])) }).tick();
  assert.deepEqual(sent, []);

  for (const ns of [a, b]) await registryWith(ns, 'corp', TOOLHIVE_DOC, { enforceServers: true });
  const cache = await cacheOf([
    [a, 'corp'],
    [b, 'corp'],
    [quiet, 'corp'],
  ]);
  await new Compliance({ ...base, ...cache }).tick();
  const count = (call: string) => sent.filter((s) => s === call).length;
  assert.equal(count('find customresourcedefinitions'), 3);
  assert.equal(count('list mcpregistries'), 0);
  // Every installed workload kind listed once per enforcing namespace (a and b), the quiet one never.
  for (const w of WORKLOAD_KINDS) {
    const installed = kinds.some((k) => k.plural === w.plural);
    assert.equal(count(`list ${w.plural}`), installed ? 2 : 0, w.plural);
  }
  for (const ns of [a, b]) assert.equal((await condition(ns))?.status, 'True', ns);
  assert.equal(await condition(quiet), undefined);
});
