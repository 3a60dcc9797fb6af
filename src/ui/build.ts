/**
 * Bundles the catalog page with esbuild: one ES module entry (Preact, the views) plus a lazily loaded
 * chunk for the Markdown renderer (only the detail view needs it), one stylesheet, and index.html naming
 * the content-hashed files. `npm run build` writes them to dist/ui (what the image serves);
 * development runs (`npm start`, tests) build the same thing in memory on the first page request.
 *
 * Why esbuild: one dependency whose JS API runs its platform binary package directly, so it works with
 * npm's install scripts blocked; it bundles TypeScript and CSS without a config file in ~100 ms.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export interface BuiltAsset {
  /** File name under /ui/ (index.html for the page itself). */
  file: string;
  body: Buffer;
}

const CLIENT = resolve(import.meta.dirname, 'client');

export function indexHtml(js: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>MCP server catalog</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/${css}">
<script type="module" src="/ui/${js}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p>This catalog page needs JavaScript. The same data is served as JSON at <a href="/api/v1/registry/servers">/api/v1/registry/servers</a>.</p></noscript>
</body>
</html>
`;
}

export async function buildAssets(): Promise<BuiltAsset[]> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(CLIENT, 'main.ts')],
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    outdir: '/ui',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    write: false,
    logLevel: 'silent',
    legalComments: 'eof',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const assets = result.outputFiles.map((f) => ({ file: basename(f.path), body: Buffer.from(f.contents) }));
  const js = assets.find((a) => /^main-.*\.js$/.test(a.file))?.file;
  const css = assets.find((a) => /^main-.*\.css$/.test(a.file))?.file;
  if (!js || !css) throw new Error('the catalog page bundle has no main script or stylesheet');
  assets.push({ file: 'index.html', body: Buffer.from(indexHtml(js, css)) });
  return assets;
}

/** `node src/ui/build.ts [OUT_DIR]` (default dist/ui): writes the assets for the packaged server. */
if (import.meta.main) {
  const out = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../dist/ui'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const assets = await buildAssets();
  for (const a of assets) writeFileSync(join(out, a.file), a.body);
  process.stdout.write(`catalog page: ${assets.length} files in ${out}\n`);
}
