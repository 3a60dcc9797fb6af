/** Fetches one v1beta1 source, reading its Secrets; every failure is a SourceError with a reason. */
import type { KubeClient } from '../kube/client.ts';
import { defaultFormatOf } from '../api/constants.ts';
import { fetchConfigMap, type ConfigMapLookup } from './configmap.ts';
import { fetchUrlBody, DEFAULT_URL_OPTIONS, type UrlCache } from './url.ts';
import { Body } from './fetch/fetch-body.ts';
import { fetchGit, type GitCredentials } from './git.ts';
import { fetchRegistrySource } from './registry-source.ts';
import { readSecretKey } from './secrets.ts';
import { readCredentialSecret, readHeadersSecret, refuseCredentialsOverHttp } from './credentials.ts';
import { durationMs, MAX_TIMER_MS } from '../api/duration.ts';
import { SourceError, type FetchedSource, type ParsedDocument, type SourceToFetch } from './types.ts';
import { policyRefusal } from './destinations/policy-check.ts';

export {
  SourceError,
  type DiscoveredSource,
  type FetchedSource,
  type ParsedDocument,
  type SourceToFetch,
} from './types.ts';
export { UrlCache } from './url.ts';

export interface FetchContext {
  client: KubeClient;
  namespace: string;
  urlCache?: UrlCache;
  /** The informer's ConfigMaps: configmap sources read from it instead of a GET when it has the object. */
  configMaps?: ConfigMapLookup;
  /** Test hook: shorter retry delays. */
  retryDelayMs?: number;
}

export async function fetchSource(ctx: FetchContext, source: SourceToFetch): Promise<FetchedSource> {
  const format = source.format ?? defaultFormatOf(source.type);
  // The policy in force now, not the one the spec was admitted under (SPEC §18).
  const refused = policyRefusal(source);
  if (refused) throw refused;
  if (source.type === 'kubernetes') {
    // Built by the controller from its informers (src/controller/discovery): nothing to fetch here.
    const d = source.discovered;
    if (!d)
      throw new SourceError(
        'DiscoveryUnavailable',
        `source ${source.name}: workloads are discovered by the operator's controller only`,
      );
    return { name: source.name, discovered: d, format: 'upstream' };
  }
  if (source.prefetched) return source.prefetched;
  const got = await fetchText(ctx, source);
  // The registry source hands over its pages already parsed (no second parse of a large catalog); a
  // url source its bytes, decoded by the pipeline (on a sync worker).
  const fetched: FetchedSource =
    typeof got === 'string'
      ? { name: source.name, text: got, format }
      : got instanceof Body
        ? { name: source.name, bytes: got, format }
        : { name: source.name, parsed: got, format };
  if (source.remember) {
    // Kept for a later sync: a worker must get a copy of these bytes, not take them.
    if (got instanceof Body) got.markShared();
    else if (typeof got !== 'string') for (const p of got.pages ?? []) p.markShared();
    source.remember(fetched);
  }
  return fetched;
}

async function fetchText(ctx: FetchContext, source: SourceToFetch): Promise<string | Body | ParsedDocument> {
  const { client, namespace } = ctx;
  switch (source.type) {
    case 'configmap': {
      if (!source.configMapRef)
        throw new SourceError('InvalidSpec', `source ${source.name}: configMapRef is not set`);
      return fetchConfigMap(client, namespace, source.configMapRef, ctx.configMaps);
    }
    case 'url': {
      const u = source.url;
      if (!u) throw new SourceError('InvalidSpec', `source ${source.name}: url is not set`);
      const ca = u.caBundleRef ? await readSecretKey(client, namespace, u.caBundleRef, 'ca.crt') : undefined;
      if (u.headersSecretRef) refuseCredentialsOverHttp(source.name, u.href);
      const headers = u.headersSecretRef
        ? await readHeadersSecret(client, namespace, u.headersSecretRef.name)
        : undefined;
      const timeoutMs = u.timeout
        ? Math.min(durationMs(u.timeout), MAX_TIMER_MS)
        : DEFAULT_URL_OPTIONS.timeoutMs;
      return fetchUrlBody(
        u.href,
        {
          ...DEFAULT_URL_OPTIONS,
          timeoutMs,
          ca,
          headers,
          ...(ctx.retryDelayMs !== undefined
            ? { baseRetryDelayMs: ctx.retryDelayMs, maxRetryDelayMs: ctx.retryDelayMs * 8 }
            : {}),
        },
        ctx.urlCache,
      );
    }
    case 'git': {
      const g = source.git;
      if (!g) throw new SourceError('InvalidSpec', `source ${source.name}: git is not set`);
      let creds: GitCredentials = {};
      if (g.authSecretRef) {
        refuseCredentialsOverHttp(source.name, g.repository);
        const s = await readCredentialSecret(client, namespace, g.authSecretRef.name);
        creds = {
          username: s.username,
          password: s.password ?? s.token,
          sshPrivateKey: s['ssh-privatekey'],
          knownHosts: s.known_hosts,
        };
      }
      return fetchGit({ repository: g.repository, ...g.ref, path: g.path }, creds, { type: source.type });
    }
    case 'registry': {
      const r = source.registry;
      if (!r) throw new SourceError('InvalidSpec', `source ${source.name}: registry is not set`);
      return fetchRegistrySource(
        {
          client,
          namespace,
          source: source.name,
          retryDelayMs: ctx.retryDelayMs,
          ...(source.updatedSince !== undefined && { updatedSince: source.updatedSince }),
        },
        r,
      );
    }
    case 'kubernetes':
      throw new SourceError('InvalidSpec', `source ${source.name}: a kubernetes source is not fetched`);
  }
}
