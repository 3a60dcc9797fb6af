/**
 * An upstream API item (`{server, _meta}`) read ahead of its document: the entry's validation and its
 * ToolHive conversion, the two per-entry steps of readUpstream (read.ts) that depend on nothing but
 * the item. The registry source pre-reads each page's kept items while the next page downloads, so
 * this work fills the wait for the network instead of following the last page (docs/performance.md,
 * the 10,000-server sync). readUpstream takes the result for the same server object, once, and does
 * the work itself for any item not pre-read: the result is the same either way, only done earlier.
 */
import { isObject, type JsonObject, type UpstreamStatus } from './model.ts';
import { officialOf, upstreamStatusOf } from './status.ts';
import { serverJsonToToolhive, type ToolhiveConversion } from './convert/upstream-to-toolhive.ts';
import { validateEntry, type EntryError } from './validate.ts';

export interface PreRead {
  /** validateEntry('upstream', server). */
  error: EntryError | undefined;
  /** The registry status the conversion was made with (registryStatusOf the item's _meta). */
  status: UpstreamStatus | undefined;
  /** serverJsonToToolhive(server, status), for a valid entry the registry has not deleted. */
  converted?: ToolhiveConversion;
}

/**
 * Keyed by the server object itself: the pipeline reads the very objects the source parsed, and a
 * result disappears with its object (an entry a later page superseded, a document never read).
 */
const ahead = new WeakMap<object, PreRead>();

/**
 * Whether pre-reading is worth doing on this thread. Not when the pipeline runs on a sync worker
 * (controller/pipeline-workers/): the objects it reads are copies, so what was pre-read here would be
 * CPU spent on the event loop that answers admission, for nothing (SPEC §18).
 */
let preReading = true;

export function setPreReading(on: boolean): void {
  preReading = on;
}

/** The registry's official status of an item, from its `_meta` (what readUpstream converts with). */
export function registryStatusOf(meta: unknown): UpstreamStatus | undefined {
  return upstreamStatusOf(officialOf(isObject(meta) ? meta : undefined).status);
}

/**
 * Validates and converts one API item now. Never throws: an item whose reading fails is left for
 * readUpstream, which fails the same way at the time it always did (with the pipeline's messages).
 */
export function preReadUpstreamItem(item: JsonObject): void {
  if (!preReading) return;
  const server = item.server;
  if (!isObject(server)) return;
  try {
    const error = validateEntry('upstream', server);
    const status = registryStatusOf(item._meta);
    const read: PreRead = { error, status };
    if (!error && status !== 'deleted') read.converted = serverJsonToToolhive(server, status);
    ahead.set(server, read);
  } catch {
    ahead.delete(server);
  }
}

/**
 * What preReadUpstreamItem found for this server object, handed out once: the conversion's entry is
 * the catalog's own (readUpstream completes it in place), so no second reader may get the same one.
 */
export function takePreRead(server: object): PreRead | undefined {
  const read = ahead.get(server);
  if (read) ahead.delete(server);
  return read;
}
