/**
 * The catalog page's files, held in memory. From the package (dist/ui, written by `npm run build`)
 * when this module runs compiled, as in the image; from an in-memory esbuild build of src/ui/client
 * when it runs from TypeScript sources (`npm start`, tests), so those never serve stale assets and no
 * generated bundle is committed. Either way they are read or built once per process, on first use.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

export interface Asset {
  body: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export type AssetMap = ReadonlyMap<string, Asset>;

const fromSources = import.meta.url.endsWith('.ts');
/** dist/src/ui/server/assets.js → dist/ui */
export const PACKAGED_DIR = resolve(import.meta.dirname, '../../../ui');

function toMap(files: { file: string; body: Buffer }[]): AssetMap {
  return new Map(
    files.map((f) => [
      f.file,
      { body: f.body, contentType: TYPES[extname(f.file)] ?? 'application/octet-stream' },
    ]),
  );
}

function readPackaged(dir: string): AssetMap {
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(`the catalog page is not built (no ${dir}/index.html): run npm run build`);
  return toMap(readdirSync(dir).map((file) => ({ file, body: readFileSync(join(dir, file)) })));
}

let loading: Promise<AssetMap> | undefined;

/** The assets, by file name (index.html and the hashed /ui/ files). A failed load is retried next time. */
export function loadAssets(): Promise<AssetMap> {
  loading ??= (async () => {
    if (!fromSources) return readPackaged(PACKAGED_DIR);
    const { buildAssets } = await import('../build.ts');
    return toMap(await buildAssets());
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
