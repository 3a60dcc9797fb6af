/**
 * Installs (or updates) our CRD by server-side apply and waits until it is Established and
 * NamesAccepted and every served version is in discovery: the point at which objects of both
 * versions can be created. Used by the local stack, the test setup and the benchmarks.
 */
import { buildCrd, type ConversionTarget } from '../api/crd.ts';
import { CRD_NAME, GROUP, PLURAL, VERSIONS } from '../api/constants.ts';
import type { KubeClient } from '../kube/client.ts';
import { pollUntil } from './poll.ts';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface CrdStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

export async function installCrd(
  client: KubeClient,
  conversion: ConversionTarget,
  opts: { servedVersions?: readonly string[]; fieldManager?: string; timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const crd = buildCrd({ conversion, servedVersions: opts.servedVersions });
  await client.patch({ ...CRDS, name: CRD_NAME }, 'apply', crd, {
    fieldManager: opts.fieldManager ?? 'mcp-registry-local-stack',
    force: true,
  });
  await pollUntil(
    'the CRD to be Established and NamesAccepted',
    async () => {
      const c = await client.get<CrdStatus>({ ...CRDS, name: CRD_NAME });
      const ok = (t: string) => c.status?.conditions?.some((x) => x.type === t && x.status === 'True');
      return ok('Established') && ok('NamesAccepted');
    },
    timeoutMs,
  );
  for (const v of opts.servedVersions ?? VERSIONS)
    await pollUntil(
      `discovery of ${GROUP}/${v}`,
      async () => {
        const r = await client.request<{ resources: { name: string }[] }>(`/apis/${GROUP}/${v}`);
        return r.body.resources.some((x) => x.name === PLURAL);
      },
      timeoutMs,
    );
}
