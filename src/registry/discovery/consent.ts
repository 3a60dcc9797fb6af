/**
 * Which namespaces a `kubernetes` source reads (SPEC §12), by the `registryRef` consent model: its
 * registry's own namespace always; another only when that Namespace lists the reader in its
 * `toolhive.stacklok.io/discovery-readers` annotation. The Namespace's owners decide, on an object
 * they control. A namespace that does not consent reads exactly like one that does not exist: empty,
 * never "forbidden", so a registry cannot learn which namespaces exist. Pure.
 */
import { ANNOTATION_DISCOVERY_READERS } from '../../api/constants.ts';

export interface Reader {
  namespace: string;
  name: string;
}

/**
 * Whether a Namespace (its annotations; undefined when it does not exist) lets `reader` catalog its
 * workloads: entries are `*`, a namespace (every registry there) or `namespace/name`.
 */
export function discoveryAllowed(
  namespace: string,
  annotations: Readonly<Record<string, string>> | undefined,
  reader: Reader,
): boolean {
  if (namespace === reader.namespace) return true;
  const list = annotations?.[ANNOTATION_DISCOVERY_READERS] ?? '';
  return list
    .split(',')
    .map((s) => s.trim())
    .some((e) => e === '*' || e === reader.namespace || e === `${reader.namespace}/${reader.name}`);
}

/** The namespaces a source names (its registry's own when it names none), without duplicates. */
export function sourceNamespaces(namespaces: readonly string[] | undefined, own: string): string[] {
  return namespaces?.length ? [...new Set(namespaces)] : [own];
}
