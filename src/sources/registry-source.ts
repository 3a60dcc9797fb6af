/**
 * A `registry` source as the controller meets it: reads the Secrets it names (CA bundle, bearer
 * token, extra headers), checks what it read before any request, and pages the registry API.
 * A Secret whose content cannot be used is a SourceError naming the Secret and key, never a crash.
 */
import { X509Certificate } from 'node:crypto';
import type { KubeClient } from '../kube/client.ts';
import type { SourceV1beta1 } from '../api/types.ts';
import { fetchRegistryApi, DEFAULT_REGISTRY_API_OPTIONS } from './registry-api.ts';
import { readSecretKey } from './secrets.ts';
import {
  checkHeaderValue,
  readCredentialKey,
  readHeadersSecret,
  refuseCredentialsOverHttp,
} from './credentials.ts';
import { SourceError, type ParsedDocument } from './types.ts';

export type RegistrySpec = NonNullable<SourceV1beta1['registry']>;

export interface RegistrySourceContext {
  client: KubeClient;
  namespace: string;
  /** The source's name, for messages. */
  source?: string;
  /** Test hook: shorter retry delays (the Retry-After bound is kept). */
  retryDelayMs?: number;
  /** Only what changed after this time (registry-api.ts `updatedSince`): an incremental resync. */
  updatedSince?: string;
}

/** PEM text with at least one certificate, each of which parses. */
export function checkCaBundle(secret: string, key: string, pem: string): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const bad = () =>
    new SourceError('InvalidSecret', `Secret ${secret}: key "${key}" holds no valid PEM CA certificate`);
  if (blocks.length === 0) throw bad();
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw bad();
    }
  }
}

export async function registryRequestSettings(
  ctx: RegistrySourceContext,
  r: RegistrySpec,
): Promise<{ ca?: string; headers?: Record<string, string> }> {
  const { client, namespace } = ctx;
  let ca: string | undefined;
  if (r.caBundleRef) {
    const key = r.caBundleRef.key ?? 'ca.crt';
    ca = await readSecretKey(client, namespace, r.caBundleRef, 'ca.crt');
    checkCaBundle(`${namespace}/${r.caBundleRef.name}`, key, ca);
  }
  const headers: Record<string, string> = r.headersSecretRef
    ? await readHeadersSecret(client, namespace, r.headersSecretRef.name)
    : {};
  if (r.authSecretRef) {
    const key = r.authSecretRef.key ?? 'token';
    const token = (await readCredentialKey(client, namespace, r.authSecretRef, 'token')).trim();
    const name = `${namespace}/${r.authSecretRef.name}`;
    if (token === '') throw new SourceError('InvalidSecret', `Secret ${name}: key "${key}" is empty`);
    checkHeaderValue(name, key, token);
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    headers.Authorization = `Bearer ${token}`;
  }
  return { ...(ca ? { ca } : {}), ...(Object.keys(headers).length ? { headers } : {}) };
}

export async function fetchRegistrySource(
  ctx: RegistrySourceContext,
  r: RegistrySpec,
): Promise<ParsedDocument> {
  // A registryRef is resolved to its registry's API URL by the controller before the fetch.
  if (!r.baseURL)
    throw new SourceError(
      'InvalidSpec',
      'registry source has no baseURL (a registryRef must be resolved first)',
    );
  if (r.authSecretRef || r.headersSecretRef) refuseCredentialsOverHttp(ctx.source ?? 'registry', r.baseURL);
  const settings = await registryRequestSettings(ctx, r);
  return fetchRegistryApi(r.baseURL, {
    ...DEFAULT_REGISTRY_API_OPTIONS,
    ...settings,
    // A resolved registryRef's address was chosen by the operator, not named in the spec.
    source: { type: 'registry', ...(r.registryRef ? { operatorEndpoint: true } : {}) },
    // One version per server kept: the rest need not be fetched (the official registry's every
    // version can exceed a source's byte budget where its latest versions do not).
    ...(r.maxVersionsPerServer === 1 && { latestOnly: true }),
    ...(ctx.updatedSince !== undefined && { updatedSince: ctx.updatedSince }),
    ...(ctx.retryDelayMs !== undefined
      ? { baseRetryDelayMs: ctx.retryDelayMs, maxRetryDelayMs: ctx.retryDelayMs * 8 }
      : {}),
  });
}
