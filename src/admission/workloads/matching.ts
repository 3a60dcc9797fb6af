/**
 * Matching a workload against registry entries (SPEC §11): images by repository and tag, or by a
 * digest the entry lists; remote URLs equal after normalisation.
 */

export interface ImageRef {
  /** `registry/path`, with Docker Hub's implicit parts written out: `nginx` → `docker.io/library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** Parses an OCI image reference; undefined when it is not one. */
export function parseImage(ref: string): ImageRef | undefined {
  const s = ref.trim();
  if (s === '' || /\s/.test(s)) return undefined;
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1).toLowerCase();
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  if (rest === '') return undefined;
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasRegistry =
    parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first.toLowerCase() : 'docker.io';
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const path = (hasRegistry ? parts.slice(1) : parts).join('/');
  const fullPath = registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(fullPath))
    return undefined;
  return {
    repository: `${registry}/${fullPath}`,
    ...(tag !== undefined ? { tag } : digest === undefined ? { tag: 'latest' } : {}),
    ...(digest !== undefined && { digest }),
  };
}

/**
 * Whether the workload's image is one the entry lists: same repository and tag (a digest on both sides
 * must then agree too), or the same repository pinned by a digest the entry lists.
 */
export function imageMatches(workload: ImageRef, entry: ImageRef): boolean {
  if (workload.repository !== entry.repository) return false;
  if (workload.digest && entry.digest) return workload.digest === entry.digest;
  if (workload.digest && !workload.tag) return false;
  return workload.tag !== undefined && workload.tag === entry.tag;
}

/**
 * A remote URL in comparable form: WHATWG parsing (lower-case scheme and host, default port dropped,
 * percent-encoding normalised), no fragment, no trailing slash on a non-root path. undefined when the
 * text is not an absolute http(s) URL.
 */
export function normaliseUrl(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  u.hash = '';
  if (u.pathname.length > 1 && u.pathname.endsWith('/')) u.pathname = u.pathname.replace(/\/+$/, '');
  return u.href;
}
