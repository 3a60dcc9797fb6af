/**
 * ToolHive's export annotations (SPEC §12), read the way ToolHive's registry server reads them, and
 * the workload kinds a `kubernetes` source catalogs. Pure.
 */

/** ToolHive's workload group and annotation prefix (not ours: our MCPRegistry is toolhive.stacklok.io). */
export const EXPORT_PREFIX = 'toolhive.stacklok.dev/';

export const ANNOTATIONS = {
  export: `${EXPORT_PREFIX}registry-export`,
  url: `${EXPORT_PREFIX}registry-url`,
  description: `${EXPORT_PREFIX}registry-description`,
  title: `${EXPORT_PREFIX}registry-title`,
  icon: `${EXPORT_PREFIX}registry-icon`,
  category: `${EXPORT_PREFIX}registry-category`,
  version: `${EXPORT_PREFIX}registry-version`,
  tools: `${EXPORT_PREFIX}tools`,
  toolDefinitions: `${EXPORT_PREFIX}tool-definitions`,
  authzClaims: `${EXPORT_PREFIX}authz-claims`,
} as const;

/**
 * The kinds discovered, in the order a name shared by two of them is settled (the first wins).
 * VirtualMCPServer exists only in the newer generation (its CRD is tested from
 * test/fixtures/toolhive-crds-virtualmcp/); it serves streamable HTTP and names no image.
 */
export const DISCOVERY_KINDS = [
  { kind: 'MCPServer', plural: 'mcpservers' },
  { kind: 'MCPServerEntry', plural: 'mcpserverentries' },
  { kind: 'MCPRemoteProxy', plural: 'mcpremoteproxies' },
  { kind: 'VirtualMCPServer', plural: 'virtualmcpservers' },
] as const;
export type DiscoveryKind = (typeof DISCOVERY_KINDS)[number]['kind'];
export const WORKLOAD_GROUP = 'toolhive.stacklok.dev';

/**
 * Most bytes of ToolHive annotations one workload may bring into a catalog. The apiserver allows
 * 256 KiB of annotations per object; a tenant with a few hundred workloads full of `tool-definitions`
 * would otherwise put tens of MB into every registry reading the namespace, and into the controller's
 * cache. Over it the workload is skipped, named, with its size.
 */
export const MAX_EXPORT_ANNOTATION_BYTES = 64 * 1024;
/** Set by the controller's cache (instead of the annotations) on a workload over that size. */
export const OVERSIZE_MARKER = 'toolhive.stacklok.io/discovery-oversize';

/** UTF-8 bytes of a workload's ToolHive annotations, keys and values. */
export function exportAnnotationBytes(annotations: Readonly<Record<string, string>> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(annotations ?? {}))
    if (k.startsWith(EXPORT_PREFIX)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

/** Where in an entry's `_meta` the workload it came from is named. */
export const WORKLOAD_META_KEY = 'toolhive.stacklok.io/kubernetes';

/** Whether a workload asks to be exported: exactly `"true"`, as ToolHive reads it. */
export function exported(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[ANNOTATIONS.export] === 'true';
}

/** `tools`: a JSON array of names, or a comma-separated list (both seen in ToolHive manifests). */
export function parseTools(text: string): string[] | undefined {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(t);
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
    } catch {
      return undefined;
    }
  }
  return t
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A JSON annotation (`tool-definitions`, `authz-claims`): the value, or undefined when not JSON. */
export function parseJsonAnnotation(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

const SEMVER = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

/**
 * The semver of an image reference's tag (`ghcr.io/org/server:v1.2.3` → `1.2.3`), or undefined: no
 * tag, `latest`, a digest only, or a tag that is not a version. A registry port is not a tag.
 */
export function imageSemver(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const noDigest = image.split('@')[0] ?? '';
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const i = last.lastIndexOf(':');
  if (i < 0) return undefined;
  return SEMVER.exec(last.slice(i + 1))?.[1];
}
