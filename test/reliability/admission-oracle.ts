/**
 * An independent checker for the admission differential test: a few rules written again from the
 * spec (SPEC §2.2), without the admission core's code, in the same spirit as the CEL policy in
 * bench/manifests/mcpregistry-vap.yaml. It only says "must be rejected, at this field"; the webhook
 * may reject more (policy, globs, warnings), never less.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds of a Go duration, or undefined when Go would not parse it. */
export function goDurationNs(s: string): number | undefined {
  if (s === '0') return 0;
  const m = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const [, num, , , unit] of s.matchAll(/(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(num) * (UNIT_NS[unit as string] as number);
  return s.startsWith('-') ? -total : total;
}

function urlProblem(u: unknown, base: boolean): boolean {
  if (typeof u !== 'string') return false;
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return true;
  }
  return (
    url.protocol !== 'https:' ||
    url.username !== '' ||
    url.password !== '' ||
    u.includes('#') ||
    (base && u.includes('?'))
  );
}

/** Field paths (as the user wrote them) that the spec says must be rejected. */
export function mustReject(obj: unknown): string[] {
  if (!isObj(obj) || !isObj(obj.spec)) return [];
  const spec = obj.spec;
  const out: string[] = [];
  const interval = isObj(spec.syncPolicy) ? spec.syncPolicy.interval : undefined;
  if (typeof interval === 'string') {
    const ns = goDurationNs(interval);
    if (ns === undefined || ns < 30e9 || ns > 8760 * 3600e9) out.push('spec.syncPolicy.interval');
  }
  const git = (g: unknown, p: string, commit: unknown) => {
    if (!isObj(g)) return;
    if (typeof commit === 'string' && !/^[0-9a-fA-F]{7,40}$/.test(commit)) out.push(`${p}.commit`);
    if (
      typeof g.path === 'string' &&
      (g.path.startsWith('/') || g.path.split('/').includes('..') || !g.path.endsWith('.json'))
    )
      out.push(`${p.replace(/\.ref$/, '')}.path`);
  };
  if (isObj(spec.source)) {
    const s = spec.source;
    if (s.type === 'url' && urlProblem(s.url, false)) out.push('spec.source.url');
    if (s.type === 'registry' && isObj(s.registry) && urlProblem(s.registry.url, true))
      out.push('spec.source.registry.url');
    if (s.type === 'git' && isObj(s.git)) git(s.git, 'spec.source.git', s.git.commit);
  }
  if (Array.isArray(spec.sources))
    spec.sources.forEach((s: unknown, i) => {
      if (!isObj(s)) return;
      const p = `spec.sources[${i}]`;
      if (s.type === 'url' && isObj(s.url) && urlProblem(s.url.href, false)) out.push(`${p}.url.href`);
      if (s.type === 'registry' && isObj(s.registry) && urlProblem(s.registry.baseURL, true))
        out.push(`${p}.registry.baseURL`);
      if (s.type === 'git' && isObj(s.git))
        git(s.git, `${p}.git.ref`, isObj(s.git.ref) ? s.git.ref.commit : undefined);
    });
  return out;
}

export const BAD_URLS = [
  'http://registry.example.com/r.json',
  'https://user:secret@registry.example.com/r.json',
  'https://registry.example.com/r.json#frag',
  'ftp://registry.example.com/r.json',
  'not a url',
];
export const GOOD_URLS = ['https://registry.example.com/r.json', 'https://registry.example.com/v0.1'];
export const INTERVALS = ['10s', '0s', 'soon', '8761h', '-1m', '1h30m', '45s', '5m', '30s', '2h'];
export const COMMITS = ['abc', 'zzzzzzz', '0123456789abcdef0123', 'deadbeef'];
export const GIT_PATHS = ['../x.json', '/abs.json', 'x.yaml', 'dir/ok.json', 'registry.json'];
