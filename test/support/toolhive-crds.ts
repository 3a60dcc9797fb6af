/**
 * ToolHive's own workload CRDs (MCPServer, MCPRemoteProxy, MCPGroup and, in the newer generation,
 * MCPServerEntry) installed unchanged into the test apiserver, one generation at a time
 * (test/fixtures/toolhive-crds/<generation>/, PROVENANCE.md there). Shared by the workload admission
 * tests (SPEC §11) and the kubernetes discovery source (§12).
 *
 * Generations cannot be swapped in place: the 2026 CRDs store v1beta1, which the 2025 ones do not
 * serve, so switching deletes the installed CRDs (and with them every workload) first. The test
 * apiserver is shared by the files of a run: a file installs the generation it needs, and holds the
 * `toolhive-crds` lock (cluster-lock.ts) from its first install or removal until it exits, so no two
 * files change the CRDs under each other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { pollUntil } from '../../src/local/poll.ts';
import { client } from './cluster.ts';
import { holdClusterLock } from './cluster-lock.ts';

export const TOOLHIVE_GENERATIONS = ['2025-10-31', '2026-08-21'] as const;
export type ToolhiveGeneration = (typeof TOOLHIVE_GENERATIONS)[number];
export const TOOLHIVE_GROUP = 'toolhive.stacklok.dev';

const DIR = resolve(import.meta.dirname, '../fixtures/toolhive-crds');
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface CrdDoc {
  metadata: { name: string; resourceVersion?: string };
  spec: { names: { kind: string; plural: string }; versions: { name: string; served: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface ToolhiveKind {
  kind: string;
  plural: string;
  /** Served versions, the storage version last among them as in the file. */
  versions: string[];
  crdName: string;
}

/** The CRD documents of a generation, parsed from the unchanged files. */
export function toolhiveCrdDocs(generation: ToolhiveGeneration): CrdDoc[] {
  const dir = join(DIR, generation);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as CrdDoc);
}

/** Kinds of a generation, with their plural and served versions. */
export function toolhiveKinds(generation: ToolhiveGeneration): ToolhiveKind[] {
  return toolhiveCrdDocs(generation).map((d) => ({
    kind: d.spec.names.kind,
    plural: d.spec.names.plural,
    versions: d.spec.versions.filter((v) => v.served).map((v) => v.name),
    crdName: d.metadata.name,
  }));
}

function sameShape(a: CrdDoc, b: CrdDoc): boolean {
  const v = (d: CrdDoc) => d.spec.versions.map((x) => `${x.name}:${x.served}`).join(',');
  return v(a) === v(b);
}

/** Deletes every toolhive.stacklok.dev CRD (and so every workload) and waits until they are gone. */
export async function removeToolhiveCrds(timeoutMs = 60_000): Promise<void> {
  await holdClusterLock('toolhive-crds');
  const all = await client().list<CrdDoc>(CRDS);
  const ours = all.items.filter((c) => c.metadata.name.endsWith(`.${TOOLHIVE_GROUP}`));
  for (const c of ours) await client().deleteIfExists({ ...CRDS, name: c.metadata.name });
  for (const c of ours)
    await pollUntil(
      `CRD ${c.metadata.name} to be deleted`,
      async () => !(await client().find({ ...CRDS, name: c.metadata.name })),
      timeoutMs,
    );
}

/**
 * Installs a generation's CRDs (all, or only the named kinds) and waits until each is Established and
 * every served version is in discovery. A different generation installed before is removed first;
 * the same one is left as it is (its workloads too).
 */
export async function installToolhiveCrds(
  generation: ToolhiveGeneration,
  opts: { kinds?: readonly string[]; timeoutMs?: number } = {},
): Promise<ToolhiveKind[]> {
  await holdClusterLock('toolhive-crds');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const docs = toolhiveCrdDocs(generation).filter(
    (d) => !opts.kinds || opts.kinds.includes(d.spec.names.kind),
  );
  const installed = await Promise.all(
    docs.map((d) => client().find<CrdDoc>({ ...CRDS, name: d.metadata.name })),
  );
  const all = await client().list<CrdDoc>(CRDS);
  const others = toolhiveCrdDocs(generation).map((d) => d.metadata.name);
  const foreign = all.items.some(
    (c) => c.metadata.name.endsWith(`.${TOOLHIVE_GROUP}`) && !others.includes(c.metadata.name),
  );
  if (foreign || installed.some((c, i) => c && !sameShape(c, docs[i] as CrdDoc))) await removeToolhiveCrds();
  for (const d of docs) {
    const now = await client().find<CrdDoc>({ ...CRDS, name: d.metadata.name });
    if (!now) await client().create(CRDS, d);
  }
  for (const d of docs) {
    await pollUntil(
      `CRD ${d.metadata.name} to be Established`,
      async () => {
        const c = await client().get<CrdDoc>({ ...CRDS, name: d.metadata.name });
        const ok = (t: string) => c.status?.conditions?.some((x) => x.type === t && x.status === 'True');
        return ok('Established') && ok('NamesAccepted');
      },
      timeoutMs,
    );
    for (const v of d.spec.versions.filter((x) => x.served))
      await pollUntil(
        `discovery of ${TOOLHIVE_GROUP}/${v.name} ${d.spec.names.plural}`,
        async () => {
          const r = await client().request<{ resources: { name: string }[] }>(
            `/apis/${TOOLHIVE_GROUP}/${v.name}`,
          );
          return r.body.resources.some((x) => x.name === d.spec.names.plural);
        },
        timeoutMs,
      );
    // Right after (re)creation a LIST can still answer "storage is (re)initializing".
    await pollUntil(
      `${d.spec.names.plural} to be listable`,
      async () => {
        const v = d.spec.versions.find((x) => x.served)?.name ?? 'v1alpha1';
        await client().request(`/apis/${TOOLHIVE_GROUP}/${v}/${d.spec.names.plural}?limit=1`);
        return true;
      },
      timeoutMs,
    );
  }
  return toolhiveKinds(generation).filter((k) => !opts.kinds || opts.kinds.includes(k.kind));
}
