/**
 * Catalog files for the page tests, all derived from the real 88-server ToolHive fixture: as is; with
 * one server deprecated and given a hostile Markdown overview; and scaled to 10,000 servers. Expected
 * results are computed here from the same JSON with the API's documented semantics, never hard-coded.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './browser.ts';

export const FIXTURE = join(REPO, 'test/fixtures/toolhive-registry/registry-2025-10-22.json');

export interface Entry {
  name: string;
  description: string;
  tier?: string;
  transport?: string;
  status?: string;
  tags: string[];
  [k: string]: unknown;
}

export type Doc = {
  servers: Record<string, Entry>;
  remote_servers: Record<string, Entry>;
  [k: string]: unknown;
};

export const readDoc = (): Doc => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Doc;

/** Every server of a document, named, in the API's order (UTF-16 code units). */
export function entries(doc: Doc): Entry[] {
  return [...Object.entries(doc.servers), ...Object.entries(doc.remote_servers ?? {})]
    .map(([name, e]) => ({ ...e, name, tags: e.tags ?? [], description: e.description ?? '' }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const DEPRECATED = 'fetch';
export const HOSTILE_OVERVIEW = [
  '# Fetch, reviewed',
  '',
  'Plain **bold** text and [a safe link](https://example.com/docs).',
  '',
  '<script>window.__pwned = "script"</script>',
  '',
  '<img src="x" onerror="window.__pwned = \'img\'">',
  '',
  '[click me](javascript:window.__pwned=%22link%22)',
  '',
  '<a href="javascript:window.__pwned=1">raw anchor</a>',
].join('\n');

/** The fixture with one server deprecated and a hostile overview on it. */
export function writeMarkedFixture(dir: string): string {
  const doc = readDoc();
  const e = doc.servers[DEPRECATED]!;
  e.status = 'Deprecated';
  e.overview = HOSTILE_OVERVIEW;
  const file = join(dir, 'marked.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** n servers: the fixture's entries repeated under numbered names (`fetch-00088`). */
export function writeScaledFixture(dir: string, n: number): string {
  const doc = readDoc();
  const base = entries(doc);
  const servers: Record<string, Entry> = {};
  const remotes: Record<string, Entry> = {};
  for (let i = 0; i < n; i++) {
    const src = base[i % base.length]!;
    const { name, ...rest } = src;
    const target = name in doc.remote_servers ? remotes : servers;
    target[`${name}-${String(i).padStart(5, '0')}`] = {
      ...rest,
      description: `${src.description} (copy ${i})`,
    } as Entry;
  }
  const file = join(dir, `scaled-${n}.json`);
  writeFileSync(file, JSON.stringify({ ...doc, servers, remote_servers: remotes }));
  return file;
}

/**
 * The page's search (docs/ui.md): every word a case-insensitive substring of the name, title,
 * description or a tag; servers whose name holds every word first. (Full names: the phone test.)
 */
export function searchHits(xs: Entry[], q: string): Entry[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const text = (e: Entry) =>
    [e.name, typeof e.title === 'string' ? e.title : '', e.description, ...e.tags].join('\n').toLowerCase();
  const hits = xs.filter((e) => words.every((w) => text(e).includes(w)));
  const named = (e: Entry) => words.length > 0 && words.every((w) => e.name.toLowerCase().includes(w));
  return [...hits.filter(named), ...hits.filter((e) => !named(e))];
}

/** The API's `search`: case-insensitive substring of name or description. */
export const apiSearchHits = (xs: Entry[], q: string) =>
  xs.filter(
    (e) =>
      e.name.toLowerCase().includes(q.toLowerCase()) || e.description.toLowerCase().includes(q.toLowerCase()),
  );
