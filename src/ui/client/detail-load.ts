/** Loading one server for the detail view: its two shapes, its versions and the registry's name. */
import { buildDetail, versionList, type Detail, type Known } from '../core/detail.ts';
import { kubernetesManifest } from '../core/kubernetes.ts';
import { getJson } from './api.ts';

type Obj = Record<string, unknown>;

function kubernetesSnippet(d: Detail, th: Obj, up: Obj, about: Obj | undefined): string | undefined {
  const registry = typeof about?.name === 'string' ? about.name : undefined;
  if (!registry) return undefined;
  const server = up.server;
  return kubernetesManifest({
    registry,
    name: d.name,
    upstreamName: d.upstreamName,
    ...(d.version && { version: d.version }),
    toolhive: th,
    ...(typeof server === 'object' &&
      server !== null &&
      !Array.isArray(server) && { upstream: server as Obj }),
  });
}

/** Rejects as getJson does (AuthRequired, NotFound, …) when the server itself cannot be read. */
export async function loadDetail(name: string, known?: Known): Promise<{ d: Detail; k8s?: string }> {
  const path = `/api/v1/registry/servers/${encodeURIComponent(name)}`;
  // The registry's name, for the Kubernetes snippet; the page works without it.
  const info = getJson<Obj>('/api/v1/registry/info').catch(() => undefined);
  // Every version served (a mirrored registry keeps them all); the page works without it.
  const versions = getJson<Obj>(`/v0.1/servers/${encodeURIComponent(name)}/versions`).catch(() => undefined);
  const [th, up, about, all] = await Promise.all([
    getJson<Obj>(path),
    getJson<Obj>(`${path}?format=upstream`),
    info,
    versions,
  ]);
  const d = { ...buildDetail(name, th, up, known), versions: versionList(all) };
  const k8s = kubernetesSnippet(d, th, up, about);
  return k8s === undefined ? { d } : { d, k8s };
}
