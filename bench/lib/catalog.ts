/**
 * Synthetic catalogs built from the real fixture entries (renamed so every name is unique): an upstream
 * API catalog of N `{server, _meta}` entries for the sync benchmark's fake registry, the same as a
 * mirror of N servers × 3 dated versions with 1% of it changed at a time (the sync benchmark's mirror
 * and the in-process mirror benchmark), and a ToolHive `registry.json` of N servers for the API
 * benchmark.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './procs.ts';

const FIXTURES = resolve(repoRoot, '../shared/fixtures');

function fixture(path: string): Record<string, unknown> {
  for (const base of [FIXTURES, resolve(repoRoot, 'test/fixtures'), '/work/shared/fixtures']) {
    try {
      return JSON.parse(readFileSync(resolve(base, path), 'utf8')) as Record<string, unknown>;
    } catch {
      /* try the next location */
    }
  }
  throw new Error(`fixture ${path} not found`);
}

export interface UpstreamEntry {
  server: Record<string, unknown>;
  _meta: Record<string, unknown>;
}

/** N upstream entries alternating a remote-only server and an OCI-packaged one (about 1.3 KB each). */
export function upstreamEntries(n: number): UpstreamEntry[] {
  const remote = fixture('upstream-server-json/examples/valid/with-remote.json');
  const oci = fixture('converters/image_to_server/expected_github.json');
  delete oci._meta;
  const out: UpstreamEntry[] = [];
  for (let i = 0; i < n; i++) {
    const base = structuredClone(i % 2 ? oci : remote);
    delete base.$schema;
    base.name = `io.github.bench-${i % 97}/server-${String(i).padStart(5, '0')}`;
    base.description = `Benchmark server ${i}: ${String(base.description ?? '')}`.slice(0, 100);
    out.push({
      server: base,
      _meta: {
        'io.modelcontextprotocol.registry/official': {
          status: 'active',
          publishedAt: '2026-01-01T00:00:00Z',
          updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          isLatest: true,
        },
      },
    });
  }
  return out;
}

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
type Official = { updatedAt: string; isLatest: boolean };
const official = (e: UpstreamEntry) => e._meta[OFFICIAL] as Official;
const serverOf = (e: UpstreamEntry) => e.server as { name: string; version: string; description: string };

/**
 * A mirror of N servers × 3 versions (2.0.0 the latest), each dated, in the official registry's
 * order (name, then version): what an incremental (`updated_since`) read judges.
 */
export function versionedEntries(n: number): UpstreamEntry[] {
  const out: UpstreamEntry[] = [];
  upstreamEntries(n).forEach((e, i) => {
    ['1.0.0', '1.1.0', '2.0.0'].forEach((version, v) => {
      const copy = structuredClone(e);
      serverOf(copy).version = version;
      Object.assign(official(copy), {
        updatedAt: new Date(Date.UTC(2026, 0, 1) + (i * 3 + v) * 1000).toISOString(),
        isLatest: version === '2.0.0',
      });
      out.push(copy);
    });
  });
  const key = (e: UpstreamEntry) => [serverOf(e).name, serverOf(e).version] as const;
  return out.sort((a, b) => {
    const [[na, va], [nb, vb]] = [key(a), key(b)];
    return na !== nb ? (na < nb ? -1 : 1) : va < vb ? -1 : va > vb ? 1 : 0;
  });
}

/**
 * 1% of a versioned mirror's servers changed in place (`round` tells the changes of successive
 * calls apart): the latest version of every 100th server gets a new description, dated after
 * everything before. Returns the changed entries, in the mirror's order.
 */
export function changeOnePercent<E extends object>(entries: E[], round = 0): E[] {
  const changed: E[] = [];
  for (let i = 0, k = 0; i < entries.length; i += 300, k++) {
    const at = entries[i + 2] ? i + 2 : i;
    const e = structuredClone(entries[at] as E);
    serverOf(e as unknown as UpstreamEntry).description = `changed ${round}.${k}`;
    official(e as unknown as UpstreamEntry).updatedAt = new Date(
      Date.UTC(2027, 0, 1) + (round * 1e6 + k) * 1000,
    ).toISOString();
    entries[at] = e;
    changed.push(e);
  }
  return changed;
}

/** A ToolHive registry.json with N servers (the fixture's servers and remote servers, renamed). */
export function toolhiveCatalog(n: number): Record<string, unknown> {
  const src = fixture('toolhive-registry/registry-2025-10-22.json') as {
    servers: Record<string, Record<string, unknown>>;
    remote_servers: Record<string, Record<string, unknown>>;
  };
  const servers: Record<string, unknown> = {};
  const remotes: Record<string, unknown> = {};
  const local = Object.entries(src.servers);
  const remote = Object.entries(src.remote_servers);
  const all = [...local.map((e) => ['s', ...e] as const), ...remote.map((e) => ['r', ...e] as const)];
  for (let i = 0; i < n; i++) {
    const [kind, name, entry] = all[i % all.length] as (typeof all)[number];
    const key = `${name}-${String(i).padStart(5, '0')}`;
    if (kind === 's') servers[key] = entry;
    else remotes[key] = entry;
  }
  return { version: '1.0.0', last_updated: '2026-11-23T00:00:00Z', servers, remote_servers: remotes };
}
