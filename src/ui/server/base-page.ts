/**
 * The page's HTML for a server mounted under a base path (`thv-registry-api --base-path`, SPEC §13):
 * its stylesheet, script and fallback link carry the prefix, and a `thv-base-path` meta tag tells the
 * browser code (client/base.ts) where the API and its own routes are. The CSP forbids `<base>`, and the
 * built files name `/ui/…` from the root, so the prefix is written in once per page body and base.
 */
const pages = new WeakMap<Buffer, Map<string, Buffer>>();

export function pageUnder(html: Buffer, base: string): Buffer {
  if (!base) return html;
  let byBase = pages.get(html);
  if (!byBase) pages.set(html, (byBase = new Map()));
  let page = byBase.get(base);
  if (!page) {
    // base is checked by the flag's parser (letters, digits, '-', '.', '_', '~' and '/'): nothing to escape.
    const text = html
      .toString('utf8')
      .replace(
        '<meta charset="utf-8">',
        `<meta charset="utf-8">\n<meta name="thv-base-path" content="${base}">`,
      )
      .replaceAll('="/ui/', `="${base}/ui/`)
      .replaceAll('"/api/v1/', `"${base}/api/v1/`)
      .replaceAll('>/api/v1/', `>${base}/api/v1/`);
    byBase.set(base, (page = Buffer.from(text, 'utf8')));
  }
  return page;
}
