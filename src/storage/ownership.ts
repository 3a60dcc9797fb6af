/**
 * Ownership of derived objects (SPEC §8 "Ownership"), pure. An object is the registry's only when it
 * carries an ownerReference with `controller: true` and the registry's uid: a label can be put on any
 * object by anyone, and a name can be taken before the registry exists. Everything the controller
 * writes, replaces or deletes is checked with controlledBy first; anything else is a NameConflict and
 * is left untouched.
 */
import { createHash } from 'node:crypto';
import { GROUP } from '../api/constants.ts';

/** Annotation on every storage ConfigMap: SHA-256 of the content the controller wrote (SPEC §8 "Storage integrity"). */
export const ANNOTATION_CONTENT_SHA256 = `${GROUP}/content-sha256`;

export interface OwnedMeta {
  metadata: { ownerReferences?: unknown[] };
}

/** Whether obj is controlled by the object with this uid (an empty uid never controls anything). */
export function controlledBy(obj: OwnedMeta, uid: string): boolean {
  if (!uid) return false;
  return (obj.metadata.ownerReferences ?? []).some(
    (r) =>
      typeof r === 'object' &&
      r !== null &&
      (r as { controller?: unknown }).controller === true &&
      (r as { uid?: unknown }).uid === uid,
  );
}

/** A derived object name taken by an object this registry does not control. */
export class NameConflictError extends Error {
  override name = 'NameConflictError';
  readonly kind: string;
  readonly objectNamespace: string;
  readonly objectName: string;

  constructor(kind: string, namespace: string, name: string, registry: string) {
    super(
      `${kind} ${namespace}/${name} already exists and is not controlled by MCPRegistry ${registry}; ` +
        `the controller leaves it untouched: delete or rename that ${kind}, or give the registry another name`,
    );
    this.kind = kind;
    this.objectNamespace = namespace;
    this.objectName = name;
  }
}

/**
 * Content hashes computed where the content was laid out (a sync worker: hashing ~1 MiB per
 * ConfigMap is not work for the event loop that answers admission), by the record they hash. Only
 * records made for a write are entered, never one read from the apiserver, and they are not changed
 * after: a record the integrity check reads is always hashed.
 */
const computed = new WeakMap<Record<string, string>, string>();

export function knownContentSha256(record: Record<string, string>, sha256: string): void {
  computed.set(record, sha256);
}

/** SHA-256 of a ConfigMap's content (data and binaryData, keys sorted): what the annotation records. */
export function contentSha256(cm: {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}): string {
  const only = cm.data && !cm.binaryData ? cm.data : !cm.data ? cm.binaryData : undefined;
  const known = only && computed.get(only);
  if (known) return known;
  const sorted = (o: Record<string, string> | undefined) =>
    Object.keys(o ?? {})
      .sort()
      .map((k) => [k, (o ?? {})[k]]);
  return createHash('sha256')
    .update(JSON.stringify({ data: sorted(cm.data), binaryData: sorted(cm.binaryData) }))
    .digest('hex');
}

export interface StoredConfigMapView extends OwnedMeta {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: unknown[] };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/**
 * What the integrity check can tell from metadata alone: missing, not controlled by the registry, or
 * without its content-sha256 annotation. undefined says only that the content must still be compared
 * (storageDrift), or be known unchanged since it was (docs/controller.md).
 */
export function storageMetaDrift(
  name: string,
  cm: { metadata: StoredConfigMapView['metadata'] } | undefined,
  uid: string,
): string | undefined {
  if (!cm) return `storage ConfigMap ${name} is missing`;
  if (!controlledBy(cm, uid)) return `storage ConfigMap ${name} is not controlled by this registry`;
  if (cm.metadata.annotations?.[ANNOTATION_CONTENT_SHA256] === undefined)
    return `storage ConfigMap ${name} has no ${ANNOTATION_CONTENT_SHA256} annotation (written by an earlier version, or the annotation was removed)`;
  return undefined;
}

/**
 * Why a storage ConfigMap (read whole) no longer holds what the controller wrote, or undefined when
 * it does: storageMetaDrift, or content that does not match its content-sha256 annotation (an edit
 * by hand or by another tool; an object written before the annotation existed counts too, and is
 * rewritten once).
 */
export function storageDrift(
  name: string,
  cm: StoredConfigMapView | undefined,
  uid: string,
): string | undefined {
  const why = storageMetaDrift(name, cm, uid);
  if (why || !cm) return why;
  if (cm.metadata.annotations?.[ANNOTATION_CONTENT_SHA256] !== contentSha256(cm))
    return `storage ConfigMap ${name} was changed outside the controller (its content no longer matches the ${ANNOTATION_CONTENT_SHA256} annotation)`;
  return undefined;
}
