/**
 * Status, both ways. v1alpha1's flat status and v1beta1's grouped one share phase, message,
 * observedGeneration and conditions; the rest maps per v1beta1 sub-object (sync, storage, api), and
 * each sub-object is either restored from the stash whole or rebuilt from the v1alpha1 fields.
 */
import { copyIf, isObject, jsonEqual, type JsonObject } from './json.ts';
import type { Stash } from './stash.ts';

const SHARED = ['phase', 'message', 'observedGeneration', 'conditions'] as const;
/** v1alpha1 field → v1beta1 status.sync field. */
const SYNC_FIELDS = [
  ['lastSyncTime', 'lastSyncTime'],
  ['lastSyncHash', 'hash'],
  ['serverCount', 'serverCount'],
  ['syncAttempts', 'attempts'],
  ['lastManualSyncTrigger', 'lastManualSyncTrigger'],
] as const;
/** Fields of status.sync that v1alpha1 has no place for; kept from the stash even when the rest was edited. */
const SYNC_HUB_ONLY = ['lastAttemptTime', 'filterHash', 'invalidServerCount', 'conflictCount'] as const;

type Section = 'sync' | 'storage' | 'api';
const SECTIONS: readonly Section[] = ['sync', 'storage', 'api'];
const ALPHA_FIELDS: Record<Section, readonly string[]> = {
  sync: SYNC_FIELDS.map(([a]) => a),
  storage: ['storageRef'],
  api: ['apiEndpoint'],
};

function sectionToHub(section: Section, alpha: JsonObject): JsonObject | undefined {
  if (!ALPHA_FIELDS[section].some((k) => alpha[k] !== undefined)) return undefined;
  const out: JsonObject = {};
  if (section === 'sync') {
    for (const [a, b] of SYNC_FIELDS) copyIf(alpha, a, out, b);
  } else if (section === 'storage') {
    const ref = alpha.storageRef;
    if (isObject(ref) && isObject(ref.configMapRef) && ref.configMapRef.name !== undefined) {
      out.configMaps = [ref.configMapRef.name];
    }
  } else {
    copyIf(alpha, 'apiEndpoint', out, 'endpoint');
  }
  return out;
}

function sectionFromHub(section: Section, hub: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (section === 'sync') {
    for (const [a, b] of SYNC_FIELDS) copyIf(hub, b, out, a);
  } else if (section === 'storage') {
    const ref: JsonObject = { type: 'configmap' };
    const first = Array.isArray(hub.configMaps) ? hub.configMaps[0] : undefined;
    if (first !== undefined) ref.configMapRef = { name: first };
    out.storageRef = ref;
  } else {
    copyIf(hub, 'endpoint', out, 'apiEndpoint');
  }
  return out;
}

function pick(from: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) copyIf(from, k, out);
  return out;
}

export function statusToHub(alpha: JsonObject, stash: Stash['status']): JsonObject {
  const out = pick(alpha, SHARED);
  for (const section of SECTIONS) {
    const stashed = stash?.[section];
    const projected = sectionToHub(section, alpha);
    if (stashed && jsonEqual(sectionFromHub(section, stashed), pick(alpha, ALPHA_FIELDS[section]))) {
      out[section] = stashed;
    } else if (section === 'sync' && stashed) {
      const merged = { ...projected, ...pick(stashed, SYNC_HUB_ONLY) };
      if (Object.keys(merged).length > 0) out.sync = merged;
    } else if (projected) {
      out[section] = projected;
    }
  }
  for (const [k, v] of Object.entries(alpha)) {
    if (!SHARED.includes(k as never) && !SECTIONS.some((s) => ALPHA_FIELDS[s].includes(k))) out[k] = v;
  }
  return out;
}

/** Returns the v1alpha1 status and the sub-objects that must be stashed to come back exactly. */
export function statusFromHub(hub: JsonObject): { status: JsonObject; stash?: Stash['status'] } {
  const status = pick(hub, SHARED);
  const stash: NonNullable<Stash['status']> = {};
  for (const section of SECTIONS) {
    const part = hub[section];
    if (!isObject(part)) continue; // the schema makes these objects; nothing sensible to map otherwise
    const alphaFields = sectionFromHub(section, part);
    Object.assign(status, alphaFields);
    if (!jsonEqual(sectionToHub(section, alphaFields), part)) stash[section] = part;
  }
  for (const [k, v] of Object.entries(hub)) {
    if (!SHARED.includes(k as never) && !SECTIONS.includes(k as Section)) status[k] = v;
  }
  return Object.keys(stash).length > 0 ? { status, stash } : { status };
}
