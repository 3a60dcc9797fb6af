/**
 * Status, both ways. v1alpha1's flat status and v1beta1's grouped one share phase, message,
 * observedGeneration and conditions; the rest maps per v1beta1 sub-object (sync, storage, api), and
 * each sub-object is either restored from the stash whole or rebuilt from the v1alpha1 fields.
 */
import { copyIf, isObject, jsonEqual, type JsonObject } from './json.ts';
import type { Stash } from './stash.ts';

const SHARED = ['phase', 'message', 'observedGeneration', 'conditions'] as const;
/** v1alpha1 field → v1beta1 status.sync field. syncFromHub spells it out for the other direction. */
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

function hasAny(obj: JsonObject, keys: readonly string[]): boolean {
  for (const k of keys) if (obj[k] !== undefined) return true;
  return false;
}

function sectionToHub(section: Section, alpha: JsonObject): JsonObject | undefined {
  if (!hasAny(alpha, ALPHA_FIELDS[section])) return undefined;
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

/** Writes the v1alpha1 fields of one v1beta1 section into `out`; returns how many it wrote. */
function sectionFromHub(section: Section, hub: JsonObject, out: JsonObject): number {
  if (section === 'sync') return syncFromHub(hub, out);
  if (section === 'storage') {
    const ref: JsonObject = { type: 'configmap' };
    const first = Array.isArray(hub.configMaps) ? hub.configMaps[0] : undefined;
    if (first !== undefined) ref.configMapRef = { name: first };
    out.storageRef = ref;
    return 1;
  }
  const endpoint = hub.endpoint;
  if (endpoint === undefined || !Object.hasOwn(hub, 'endpoint')) return 0;
  out.apiEndpoint = endpoint;
  return 1;
}

/**
 * SYNC_FIELDS (v1beta1 → v1alpha1) spelled out. Here and in pickShared, constant keys compile to
 * named property accesses; a loop over a key table makes each read and store a megamorphic keyed one.
 */
function syncFromHub(hub: JsonObject, out: JsonObject): number {
  let n = 0;
  const t = hub.lastSyncTime;
  if (t !== undefined && Object.hasOwn(hub, 'lastSyncTime')) {
    out.lastSyncTime = t;
    n++;
  }
  const h = hub.hash;
  if (h !== undefined && Object.hasOwn(hub, 'hash')) {
    out.lastSyncHash = h;
    n++;
  }
  const c = hub.serverCount;
  if (c !== undefined && Object.hasOwn(hub, 'serverCount')) {
    out.serverCount = c;
    n++;
  }
  const a = hub.attempts;
  if (a !== undefined && Object.hasOwn(hub, 'attempts')) {
    out.syncAttempts = a;
    n++;
  }
  const m = hub.lastManualSyncTrigger;
  if (m !== undefined && Object.hasOwn(hub, 'lastManualSyncTrigger')) {
    out.lastManualSyncTrigger = m;
    n++;
  }
  return n;
}

/** pick(from, SHARED) spelled out (see syncFromHub). */
function pickShared(from: JsonObject): JsonObject {
  const out: JsonObject = {};
  const p = from.phase;
  if (p !== undefined && Object.hasOwn(from, 'phase')) out.phase = p;
  const m = from.message;
  if (m !== undefined && Object.hasOwn(from, 'message')) out.message = m;
  const g = from.observedGeneration;
  if (g !== undefined && Object.hasOwn(from, 'observedGeneration')) out.observedGeneration = g;
  const c = from.conditions;
  if (c !== undefined && Object.hasOwn(from, 'conditions')) out.conditions = c;
  return out;
}

function alphaView(section: Section, hub: JsonObject): JsonObject {
  const out: JsonObject = {};
  sectionFromHub(section, hub, out);
  return out;
}

function pick(from: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) copyIf(from, k, out);
  return out;
}

/**
 * Whether a v1beta1 status section is exactly what its v1alpha1 fields convert back to, so it need not
 * be stashed: the same answer as jsonEqual(sectionToHub(section, alphaFields), part) where alphaFields are the `written`
 * fields sectionFromHub produced, without building
 * and comparing a second object per section (the largest cost of a status in a 500-object profile).
 */
function projects(section: Section, part: JsonObject, written: number): boolean {
  const n = Object.keys(part).length;
  // sync: each mapped field present in part was written; anything else in part has no v1alpha1 place.
  if (section === 'sync') return written > 0 && written === n;
  if (section === 'api') return n === 1 && written === 1;
  if (n === 0) return true; // storageRef {type: configmap} converts back to an empty storage section
  const maps = part.configMaps;
  return n === 1 && Array.isArray(maps) && maps.length === 1 && maps[0] !== undefined;
}

/** Status keys v1alpha1 and v1beta1 map explicitly; every other key is copied as it is. */
const MAPPED_ALPHA = new Set<string>([...SHARED, ...SECTIONS.flatMap((s) => ALPHA_FIELDS[s])]);
const MAPPED_HUB = new Set<string>([...SHARED, ...SECTIONS]);

export function statusToHub(alpha: JsonObject, stash: Stash['status']): JsonObject {
  const out = pickShared(alpha);
  for (const section of SECTIONS) {
    const stashed = stash?.[section];
    if (stashed && jsonEqual(alphaView(section, stashed), pick(alpha, ALPHA_FIELDS[section]))) {
      out[section] = stashed;
      continue;
    }
    const projected = sectionToHub(section, alpha);
    if (section === 'sync' && stashed) {
      const merged = { ...projected, ...pick(stashed, SYNC_HUB_ONLY) };
      if (Object.keys(merged).length > 0) out.sync = merged;
    } else if (projected) {
      out[section] = projected;
    }
  }
  for (const k of Object.keys(alpha)) if (!MAPPED_ALPHA.has(k)) out[k] = alpha[k];
  return out;
}

/** Returns the v1alpha1 status and the sub-objects that must be stashed to come back exactly. */
export function statusFromHub(hub: JsonObject): { status: JsonObject; stash?: Stash['status'] } {
  // The loop over SECTIONS spelled out, for the reason syncFromHub gives: this function was a fifth
  // of a 500-object review's conversion time, half of it in keyed accesses.
  const status = pickShared(hub);
  let stash: NonNullable<Stash['status']> | undefined;
  // A section that is not an object is skipped: the schema makes these objects, nothing sensible to
  // map otherwise. The v1alpha1 fields go straight into status (no other key maps to them, so the
  // order is kept).
  const sync = hub.sync;
  if (isObject(sync) && !projects('sync', sync, syncFromHub(sync, status))) (stash ??= {}).sync = sync;
  const storage = hub.storage;
  if (isObject(storage) && !projects('storage', storage, sectionFromHub('storage', storage, status)))
    (stash ??= {}).storage = storage;
  const api = hub.api;
  if (isObject(api) && !projects('api', api, sectionFromHub('api', api, status))) (stash ??= {}).api = api;
  const keys = Object.keys(hub);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!MAPPED_HUB.has(k)) status[k] = hub[k];
  }
  return stash ? { status, stash } : { status };
}
