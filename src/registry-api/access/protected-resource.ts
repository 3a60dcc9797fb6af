/**
 * RFC 9728 protected-resource metadata, served at `/.well-known/oauth-protected-resource` (and under
 * it, for clients that append the resource's path) when the registry authenticates, and named by every
 * 401's `resource_metadata`. `authorization_servers` is said only where an OAuth authorization server
 * issues the tokens we accept: the OIDC issuer. Kubernetes tokens come from the apiserver (TokenRequest,
 * a kubeconfig's credentials) and API keys from a Secret, neither of which a client can discover, so
 * those modes name no server; `resource_description` (an extension member: RFC 9728 clients ignore
 * members they do not know) tells a person which bearer to send.
 */
import type { IncomingMessage } from 'node:http';
import { resourceOf, RESOURCE_METADATA_PATH } from '../respond.ts';

export type AuthMode = 'kubernetes' | 'oidc' | 'api-keys' | 'jwt';

export interface ResourceMetadataOptions {
  mode: AuthMode;
  /** The OIDC issuer (`oidc`), or the `--jwt-issuer` of a bare JWKS. */
  issuer?: string;
  registry?: string;
}

/** Whether a path asks for the metadata (RFC 9728 §3.1: the resource's path may follow the well-known one). */
export function isResourceMetadataPath(path: string): boolean {
  return path === RESOURCE_METADATA_PATH || path.startsWith(`${RESOURCE_METADATA_PATH}/`);
}

const DESCRIPTION: Record<AuthMode, string> = {
  kubernetes:
    'A Kubernetes bearer token (a ServiceAccount token from the TokenRequest API, or your kubeconfig credentials); reading needs get on mcpregistries/catalog for this registry.',
  oidc: 'A JWT access token from the authorization server, with one of the registry’s audiences.',
  jwt: 'A JWT from the configured issuer, with the configured audience.',
  'api-keys': 'An API key, as Authorization: Bearer <key> or X-API-Key: <key>.',
};

export function resourceMetadata(req: IncomingMessage, o: ResourceMetadataOptions): Record<string, unknown> {
  const resource = resourceOf(req);
  return {
    ...(resource ? { resource } : {}),
    ...((o.mode === 'oidc' || o.mode === 'jwt') && o.issuer ? { authorization_servers: [o.issuer] } : {}),
    bearer_methods_supported: ['header'],
    ...(o.registry ? { resource_name: `MCP registry ${o.registry}` } : {}),
    resource_description: DESCRIPTION[o.mode],
  };
}
