/**
 * How much heap reading a JSON document takes, from a scan of its text before it is parsed (on the
 * sync worker, where the scan's CPU belongs). The pool's first check (index.ts, checkFits) weighs
 * text by its length: right for catalogs (HEAP_PER_TEXT, measured), wrong for text made to expand.
 * `{"servers":[{},{},…]}` took ~155 bytes of heap per character through the pipeline (each entry an
 * object, then an invalid-entry record), so 0.86 MiB of it ran a 64 MiB worker out of heap, and V8
 * sometimes aborts the whole process on that instead of ending the worker (nodejs/node#47224;
 * docs/security.md, "Known gap"). Counting what costs heap per item, containers and the entries of
 * the document's lists and the properties of its objects, bounds those shapes too.
 */

/**
 * Heap a sync needs per character of source text, measured: the 27.5 MiB, 20,000-server catalog
 * synced in a 128 MiB heap and the 55 MiB one in 256 MiB, not in 128 (parse, catalog, storage text).
 */
export const HEAP_PER_TEXT = 5;

/** Heap per object or array JSON.parse builds (header, properties or elements store). */
export const HEAP_PER_CONTAINER = 64;
/**
 * Heap per entry of a list at the depth where a catalog lists its servers (a value inside a
 * container at depth 2: `servers` of either format): the entry's parsed form, its validation and,
 * when invalid, its record with the message (measured: ~470 bytes per `{}` entry).
 */
export const HEAP_PER_ENTRY = 512;
/**
 * Heap per property of an object (its slot, its key, the dictionary an object of many keys becomes):
 * one object of 1,000,000 short keys (11 MiB) ran a 64 MiB worker out of heap.
 */
export const HEAP_PER_PROPERTY = 96;
/** Heap per character besides (strings, numbers), when containers, entries and properties are counted. */
const HEAP_PER_CHAR = 1;

export interface Shape {
  chars: number;
  containers: number;
  entries: number;
  properties: number;
}

export const emptyShape = (): Shape => ({ chars: 0, containers: 0, entries: 0, properties: 0 });

/**
 * Adds what a document's text holds to `into`: its length, its containers, the entries of its
 * depth-2 containers and the properties of its objects (their colons), counted outside strings. Works on UTF-8 bytes and on a string alike: every
 * character that matters is ASCII, and no byte of a multi-byte UTF-8 sequence is.
 */
export function addShape(into: Shape, text: string | Uint8Array): Shape {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i] as number;
  let depth = 0;
  let inString = false;
  let open = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    // The first value inside a depth-2 container is an entry; each comma there starts another.
    if (open && depth === 2 && c !== 0x7d && c !== 0x5d) into.entries++;
    open = false;
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      into.containers++;
      open = ++depth === 2;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && depth === 2) open = true;
    else if (c === 0x3a) into.properties++;
  }
  into.chars += text.length;
  return into;
}

/**
 * The heap reading it takes, in bytes: never less than a catalog's measure (HEAP_PER_TEXT per
 * character), more when it holds more containers, entries or properties than a catalog does.
 */
export function heapEstimate(s: Shape): number {
  return Math.max(
    s.chars * HEAP_PER_TEXT,
    s.chars * HEAP_PER_CHAR +
      s.containers * HEAP_PER_CONTAINER +
      s.entries * HEAP_PER_ENTRY +
      s.properties * HEAP_PER_PROPERTY,
  );
}
