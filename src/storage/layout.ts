/**
 * How a serialized catalog is laid out in ConfigMaps (pure). A ConfigMap holds at most 1 MiB, so:
 *   ≤ 900 KiB           → data["registry.json"]
 *   gzip ≤ 900 KiB      → binaryData["registry.json.gz"]
 *   larger              → gzip split into shards <name>-registry-storage-<n> (binaryData["chunk"]),
 *                         and the main ConfigMap holds data["index.json"] naming them, with a SHA-256
 *                         of the whole gzip so a reader can tell a torn read from a whole one.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip, gzipSync, gunzipSync } from 'node:zlib';

export const STORAGE_KEY = 'registry.json';
export const STORAGE_GZ_KEY = 'registry.json.gz';
export const INDEX_KEY = 'index.json';
export const CHUNK_KEY = 'chunk';
export const LIMIT_BYTES = 900 * 1024;
/**
 * The largest catalog stored or read back (SPEC §8 "Bounded work"): as much as one URL source may
 * bring. Reading inflates gzip with this ceiling, so a small bomb planted in a storage ConfigMap
 * (900 KB that inflates to gigabytes) is refused instead of filling the reader's memory.
 */
export const MAX_CATALOG_BYTES = 64 * 1024 * 1024;

export class StorageTooLargeError extends Error {
  override name = 'StorageTooLargeError';
}

function inflate(gz: Buffer, what: string, max: number): string {
  try {
    return gunzipSync(gz, { maxOutputLength: max }).toString('utf8');
  } catch (e) {
    if (e instanceof RangeError)
      throw new StorageTooLargeError(
        `${what} inflates to more than ${max} bytes, the storage limit; refusing to read it (the controller never writes one that large)`,
      );
    throw new Error(`${what} is not valid gzip: ${(e as Error).message}`);
  }
}

export function storageName(registry: string): string {
  return `${registry}-registry-storage`;
}
export function shardName(registry: string, n: number): string {
  return `${storageName(registry)}-${n}`;
}

export interface ShardIndex {
  shards: string[];
  sha256: string;
  bytes: number;
  compressed: true;
}

export interface Layout {
  main: { data?: Record<string, string>; binaryData?: Record<string, string> };
  shards: { name: string; binaryData: Record<string, string> }[];
  bytes: number;
  compressed: boolean;
  /** Each ConfigMap's content-sha256 by name, when the layout was made off the event loop. */
  contentSha256?: Record<string, string>;
}

export function layoutCatalog(registry: string, text: string, limit = LIMIT_BYTES): Layout {
  const raw = Buffer.from(text, 'utf8');
  if (raw.length > MAX_CATALOG_BYTES) throw tooLarge(raw.length);
  if (raw.length <= limit)
    return { main: { data: { [STORAGE_KEY]: text } }, shards: [], bytes: raw.length, compressed: false };
  return gzipLayout(registry, gzipSync(raw, GZIP), raw.length, limit);
}

/**
 * zlib's default level (6), as `gzip` and Node's own default use: level 9 took ~25% longer on the
 * 10,000-server catalog for 0.2-0.5% fewer bytes (docs/formats.md, "Storage form"). Any level
 * inflates the same way, so catalogs stored at level 9 by earlier versions read back unchanged.
 */
const GZIP = { level: 6 };
/** Pieces are handed to gzip in batches of about this many bytes (one thread-pool job each). */
const BATCH_BYTES = 256 * 1024;

/**
 * layoutCatalog of the text these pieces make up, without ever holding that text: pieces are kept only
 * while the whole may still fit plain (≤ limit), then gzipped as they come, so a 17 MB catalog costs
 * its gzip (a few hundred KB) instead of the string plus the buffers (docs/performance.md). Off the
 * event loop, too: zlib runs on the thread pool. The same layout, and gzip of the same bytes.
 */
export async function layoutPieces(
  registry: string,
  pieces: Iterable<string>,
  limit = LIMIT_BYTES,
): Promise<Layout> {
  let bytes = 0;
  let plain: string[] | undefined = [];
  let gzip: ReturnType<typeof createGzip> | undefined;
  const out: Buffer[] = [];
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async (z: NonNullable<typeof gzip>) => {
    const more = z.write(batch.join(''));
    batch = [];
    batchBytes = 0;
    if (!more) await once(z, 'drain');
  };
  try {
    for (const piece of pieces) {
      const n = Buffer.byteLength(piece);
      bytes += n;
      // Counted on to the end, so the refusal says the size, as layoutCatalog's does; never kept.
      if (bytes > MAX_CATALOG_BYTES) continue;
      if (plain) {
        plain.push(piece);
        if (bytes <= limit) continue;
        // Too large to store plain: from here on it is gzipped as it comes.
        gzip = createGzip(GZIP);
        gzip.on('data', (b: Buffer) => out.push(b));
        // Its errors reach us through once/finished; this only keeps one between awaits from crashing.
        gzip.on('error', () => {});
        batch = plain;
        batchBytes = bytes;
        plain = undefined;
      } else {
        batch.push(piece);
        batchBytes += n;
      }
      if (batchBytes >= BATCH_BYTES && gzip) await flush(gzip);
    }
    if (bytes > MAX_CATALOG_BYTES) throw tooLarge(bytes);
    if (plain) {
      const text = plain.join('');
      return { main: { data: { [STORAGE_KEY]: text } }, shards: [], bytes, compressed: false };
    }
    const z = gzip as NonNullable<typeof gzip>;
    await flush(z);
    z.end();
    await finished(z);
  } finally {
    gzip?.destroy();
  }
  return gzipLayout(registry, Buffer.concat(out), bytes, limit);
}

/**
 * layoutPieces without the thread pool, for a thread that may block (the controller's sync workers,
 * which run at the lowest CPU priority: zlib's async API would gzip on libuv's thread pool at normal
 * priority, beside the event loop that answers admission). The text is encoded in batches into
 * Buffers (outside the V8 heap, so no single string the size of the catalog is built) and gzipped in
 * one call: the same layout and the same bytes as layoutPieces (test/unit/storage/layout.test.ts).
 */
export function layoutPiecesSync(registry: string, pieces: Iterable<string>, limit = LIMIT_BYTES): Layout {
  let bytes = 0;
  const out: Buffer[] = [];
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = () => {
    out.push(Buffer.from(batch.join(''), 'utf8'));
    batch = [];
    batchBytes = 0;
  };
  for (const piece of pieces) {
    const n = Buffer.byteLength(piece);
    bytes += n;
    // Counted on to the end, so the refusal says the size, as layoutCatalog's does; never kept.
    if (bytes > MAX_CATALOG_BYTES) continue;
    batch.push(piece);
    batchBytes += n;
    if (batchBytes >= BATCH_BYTES) flush();
  }
  if (bytes > MAX_CATALOG_BYTES) throw tooLarge(bytes);
  flush();
  const raw = Buffer.concat(out, bytes);
  if (bytes <= limit)
    return { main: { data: { [STORAGE_KEY]: raw.toString('utf8') } }, shards: [], bytes, compressed: false };
  return gzipLayout(registry, gzipSync(raw, GZIP), bytes, limit);
}

function tooLarge(bytes: number): StorageTooLargeError {
  return new StorageTooLargeError(
    `the catalog is ${bytes} bytes, over the storage limit of ${MAX_CATALOG_BYTES} bytes`,
  );
}

/** The layout of a catalog of `bytes` bytes (over the plain limit) whose gzip is `gz`. */
function gzipLayout(registry: string, gz: Buffer, bytes: number, limit: number): Layout {
  if (gz.length <= limit)
    return {
      main: { binaryData: { [STORAGE_GZ_KEY]: gz.toString('base64') } },
      shards: [],
      bytes,
      compressed: true,
    };
  // base64 grows data by 4/3; keep each shard's encoded chunk under the limit.
  const chunkBytes = Math.floor((limit * 3) / 4);
  const shards: Layout['shards'] = [];
  for (let off = 0, n = 0; off < gz.length; off += chunkBytes, n++) {
    shards.push({
      name: shardName(registry, n),
      binaryData: { [CHUNK_KEY]: gz.subarray(off, off + chunkBytes).toString('base64') },
    });
  }
  const index: ShardIndex = {
    shards: shards.map((s) => s.name),
    sha256: createHash('sha256').update(gz).digest('hex'),
    bytes,
    compressed: true,
  };
  return {
    main: { data: { [INDEX_KEY]: JSON.stringify(index) } },
    shards,
    bytes,
    compressed: true,
  };
}

export class TornReadError extends Error {}

/** Rebuilds the catalog text from the main ConfigMap and a shard reader. */
export async function readLayout(
  main: { data?: Record<string, string>; binaryData?: Record<string, string> },
  readShard: (name: string) => Promise<string | undefined>,
  maxBytes = MAX_CATALOG_BYTES,
): Promise<{ text: string; bytes: number; compressed: boolean; shards: string[] }> {
  const plain = main.data?.[STORAGE_KEY];
  if (plain !== undefined)
    return { text: plain, bytes: Buffer.byteLength(plain), compressed: false, shards: [] };
  const gz64 = main.binaryData?.[STORAGE_GZ_KEY];
  if (gz64 !== undefined) {
    const text = inflate(Buffer.from(gz64, 'base64'), `storage key ${STORAGE_GZ_KEY}`, maxBytes);
    return { text, bytes: Buffer.byteLength(text), compressed: true, shards: [] };
  }
  const indexText = main.data?.[INDEX_KEY];
  if (indexText === undefined)
    throw new Error('storage ConfigMap holds no catalog (no registry.json, registry.json.gz or index.json)');
  const index = JSON.parse(indexText) as ShardIndex;
  if (typeof index.bytes === 'number' && index.bytes > maxBytes)
    throw new StorageTooLargeError(
      `storage index declares ${index.bytes} bytes, over the storage limit of ${maxBytes} bytes; refusing to read it`,
    );
  const parts: Buffer[] = [];
  for (const name of index.shards) {
    const chunk = await readShard(name);
    if (chunk === undefined) throw new TornReadError(`storage shard ${name} is missing`);
    parts.push(Buffer.from(chunk, 'base64'));
  }
  const gz = Buffer.concat(parts);
  if (createHash('sha256').update(gz).digest('hex') !== index.sha256)
    throw new TornReadError('storage shards do not match their index (a write is in progress); read again');
  const text = inflate(gz, 'the sharded storage', maxBytes);
  return { text, bytes: Buffer.byteLength(text), compressed: true, shards: index.shards };
}
