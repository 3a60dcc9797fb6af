/**
 * The "Kubernetes" snippet of the detail view (SPEC §11): the workload `thv registry manifest` prints
 * for this server, built by the same core code (src/admission/workloads), so the page, the CLI and
 * admission agree on what an entry means. The page does not know the cluster's CRD generation: it
 * writes ToolHive's newest field names in v1beta1; the CLI writes the version the cluster serves.
 */
// Imported by file, not through the folder's index: review.ts there needs Node's Buffer, and this runs in the browser.
import { indexEntries } from '../../admission/workloads/entries.ts';
import { workloadManifest } from '../../admission/workloads/manifest.ts';
import { toYaml } from '../../admission/workloads/yaml.ts';
import type { CatalogServer } from '../../registry/model.ts';

type Obj = Record<string, unknown>;

export interface SnippetInput {
  /** The MCPRegistry serving this catalog. */
  registry: string;
  name: string;
  upstreamName: string;
  version?: string;
  /** The ToolHive entry (`/api/v1/registry/servers/{name}`), when the server has one. */
  toolhive?: Obj;
  /** The upstream server.json (`?format=upstream`'s `server`). */
  upstream?: Obj;
}

/** The manifest as YAML, or undefined when ToolHive cannot run the server (no image, no remote). */
export function kubernetesManifest(i: SnippetInput): string | undefined {
  const th = i.toolhive;
  const kind: CatalogServer['kind'] =
    typeof th?.image === 'string' ? 'container' : typeof th?.url === 'string' ? 'remote' : 'upstream-only';
  if (kind === 'upstream-only') return undefined;
  const server: CatalogServer = {
    name: i.name,
    kind,
    tags: [],
    tools: [],
    official: { status: 'active' },
    upstreamName: i.upstreamName,
    version: i.version ?? '1.0.0',
    ...(th && { toolhive: th }),
    ...(i.upstream && { upstream: i.upstream }),
  };
  const r = workloadManifest({
    registry: i.registry,
    server: i.name,
    index: indexEntries({ servers: [server] }),
    apiVersion: 'toolhive.stacklok.dev/v1beta1',
  });
  return 'manifest' in r ? toYaml(r.manifest) : undefined;
}
