#!/usr/bin/env node
/**
 * thv-registry-api: serves one MCPRegistry's catalog over HTTP (ToolHive API and the upstream
 * /v0.1 API). `serve --from-file PATH` or `serve --from-configmap NAME`; reloads without restart.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { createLogger } from '../observability/logger.ts';
import { productVersion } from '../config/version.ts';
import { createMetricsRegistry } from '../observability/metrics.ts';
import { KubeClient } from '../kube/client.ts';
import { SnapshotStore } from '../registry-api/snapshot/snapshot.ts';
import { Authenticator } from '../registry-api/access/auth.ts';
import { KubernetesAuth } from '../registry-api/access/kubernetes-auth.ts';
import { createApiMetrics } from '../registry-api/metrics.ts';
import { loadFromConfigMap, loadFromFile, type Loader } from '../registry-api/snapshot/loaders.ts';
import { startApiServer } from '../registry-api/server.ts';
import { parseBasePath } from '../registry-api/base-path.ts';
import { EntryAuthorizer } from '../registry-api/access/authorize-entries.ts';
import { auditLogger } from '../registry-api/access/audit.ts';
import { corsPolicy } from '../registry-api/access/cors.ts';
import { OidcVerifier } from '../registry-api/access/oidc.ts';
import type { ResourceMetadataOptions } from '../registry-api/access/protected-resource.ts';
import { parsePolicy } from '../admission/policy/policy.ts';
import { setSourcePolicy } from '../sources/destinations/destinations.ts';

interface ServeOptions {
  fromFile?: string;
  fromConfigmap?: string;
  registryName?: string;
  displayName?: string;
  namespace?: string;
  kubeconfig?: string;
  address: string;
  apiKeysFile?: string;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  corsOrigins?: string;
  basePath?: string;
  auth: 'anonymous' | 'kubernetes' | 'oidc' | 'api-keys';
  authCacheSeconds: string;
  oidcIssuer?: string;
  oidcAudience: string[];
  oidcClockSkewSeconds: string;
  oidcGroupsClaim?: string;
  apiKeysReloadSeconds: string;
  destinationPolicy?: string;
  authorizationPolicies?: string;
  audit?: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
}

function inClusterNamespace(): string | undefined {
  try {
    return readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim();
  } catch {
    return undefined;
  }
}

async function serve(o: ServeOptions): Promise<void> {
  if (!o.fromFile === !o.fromConfigmap)
    throw new UsageError('give exactly one of --from-file PATH or --from-configmap NAME');
  if (o.jwksUrl && (!o.jwtIssuer || !o.jwtAudience))
    throw new UsageError('--jwks-url needs --jwt-issuer and --jwt-audience');
  const kubernetesAuth = o.auth === 'kubernetes';
  if (kubernetesAuth && o.fromFile && !o.registryName)
    throw new UsageError('--auth kubernetes needs --registry-name: reading is granted per registry');
  const cacheSeconds = Number(o.authCacheSeconds);
  if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0 || cacheSeconds > 3600)
    throw new UsageError(`--auth-cache-seconds "${o.authCacheSeconds}": use a whole number from 0 to 3600`);
  const oidc = oidcOptions(o);
  if (o.auth === 'api-keys' && !o.apiKeysFile)
    throw new UsageError('--auth api-keys needs --api-keys-file: the file of a mounted Secret key');
  const reloadSeconds = wholeNumber(o.apiKeysReloadSeconds, '--api-keys-reload-seconds', 0, 3600);
  const authenticated = Boolean(o.apiKeysFile || o.jwksUrl || kubernetesAuth || oidc);
  let cors;
  try {
    cors = corsPolicy(o.corsOrigins, authenticated);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let basePath;
  try {
    basePath = parseBasePath(o.basePath);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const log = createLogger(o.logLevel, 'registry-api');
  const registry = createMetricsRegistry();
  const metrics = createApiMetrics(registry);
  const store = new SnapshotStore();
  const client =
    o.fromConfigmap || kubernetesAuth
      ? KubeClient.load({ kubeconfig: o.kubeconfig, userAgent: 'thv-registry-api' })
      : undefined;
  const namespace = o.namespace ?? inClusterNamespace() ?? client?.defaultNamespace ?? 'default';
  const registryName = o.registryName ?? (o.fromConfigmap ?? '').replace(/-registry-storage$/, '');
  const auth = new Authenticator({
    kubernetes:
      kubernetesAuth && client
        ? new KubernetesAuth({ client, namespace, registry: registryName, ttlMs: cacheSeconds * 1000 })
        : undefined,
    oidc: oidc ? new OidcVerifier(oidc) : undefined,
    apiKeysFile: o.apiKeysFile,
    apiKeysReloadMs: reloadSeconds * 1000,
    jwt: o.jwksUrl
      ? { jwksUrl: o.jwksUrl, issuer: o.jwtIssuer ?? '', audience: o.jwtAudience ?? '' }
      : undefined,
  });
  let loader: Loader;
  if (o.fromFile) {
    loader = loadFromFile(o.fromFile, o.registryName ?? 'registry', store, log, metrics, o.displayName);
  } else {
    const cm = o.fromConfigmap ?? '';
    loader = loadFromConfigMap(client!, namespace, cm, registryName, store, log, metrics, o.displayName);
  }
  const authorizer = o.authorizationPolicies
    ? new EntryAuthorizer(o.authorizationPolicies, log.child({ component: 'authorization' })).start()
    : undefined;
  const srv = await startApiServer({
    address: o.address,
    store,
    log,
    auth,
    metrics,
    metricsRegistry: registry,
    cors,
    basePath,
    resourceMetadata: resourceMetadataOf(o, registryName),
    authorizer,
    audit: o.audit ? auditLogger() : undefined,
  });
  log.info({ url: srv.url, auth: auth.enabled }, 'registry API listening');
  process.stdout.write(`listening on ${srv.url}\n`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const)
    process.on(sig, () => {
      loader.stop();
      authorizer?.stop();
      void srv.close().then(() => process.exit(0));
    });
}

class UsageError extends Error {}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} "${text}": use a whole number from ${min} to ${max}`);
  return n;
}

/** `--auth oidc`'s settings; the destination policy its fetches obey is set here, before any fetch. */
function oidcOptions(o: ServeOptions) {
  if (o.auth !== 'oidc') {
    if (o.oidcIssuer || o.oidcAudience.length > 0)
      throw new UsageError('--oidc-issuer and --oidc-audience need --auth oidc');
    return undefined;
  }
  if (!o.oidcIssuer || o.oidcAudience.length === 0)
    throw new UsageError('--auth oidc needs --oidc-issuer and at least one --oidc-audience');
  if (o.destinationPolicy !== undefined) {
    try {
      setSourcePolicy(parsePolicy(o.destinationPolicy));
    } catch (e) {
      throw new UsageError(`--destination-policy: ${(e as Error).message}`);
    }
  }
  return {
    issuer: o.oidcIssuer,
    audiences: o.oidcAudience,
    clockSkewSec: wholeNumber(o.oidcClockSkewSeconds, '--oidc-clock-skew-seconds', 0, 300),
    ...(o.oidcGroupsClaim ? { groupsClaim: o.oidcGroupsClaim } : {}),
  };
}

function resourceMetadataOf(o: ServeOptions, registry: string): ResourceMetadataOptions | undefined {
  if (o.auth === 'oidc') return { mode: 'oidc', issuer: o.oidcIssuer, registry };
  if (o.auth === 'kubernetes') return { mode: 'kubernetes', registry };
  if (o.jwksUrl) return { mode: 'jwt', issuer: o.jwtIssuer, registry };
  if (o.apiKeysFile) return { mode: 'api-keys', registry };
  return undefined;
}

const program = new Command('thv-registry-api')
  .description('Serve one MCP registry catalog over HTTP: the ToolHive API and the upstream /v0.1 API.')
  .version(`thv-registry-api ${productVersion()}`, '--version', 'print the version')
  .showHelpAfterError();
program
  .command('serve')
  .description('serve a catalog from a file or from an MCPRegistry’s storage ConfigMaps')
  .option(
    '--from-file <path>',
    'a registry document (ToolHive registry.json or upstream), reloaded when it changes',
  )
  .option(
    '--from-configmap <name>',
    'the registry’s storage ConfigMap (<registry>-registry-storage), watched',
  )
  .option(
    '--registry-name <name>',
    'name reported by /api/v1/registry/info (default: derived from the ConfigMap)',
  )
  .option(
    '--display-name <text>',
    'displayName reported by /api/v1/registry/info and shown in the catalog page header (the MCPRegistry’s spec.displayName)',
  )
  .option(
    '-n, --namespace <ns>',
    'namespace of the storage ConfigMap (default: the pod’s, else the kubeconfig’s)',
  )
  .option('--kubeconfig <path>', 'kubeconfig (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)')
  .option('--address <host:port>', 'listen address', ':8080')
  .option('--api-keys-file <path>', 'enable API-key auth: one key per line (a mounted Secret key)')
  .option('--jwks-url <url>', 'enable JWT auth against this JWKS')
  .option('--jwt-issuer <iss>', 'required JWT issuer')
  .option('--jwt-audience <aud>', 'required JWT audience')
  .addOption(
    new Option(
      '--auth <mode>',
      'anonymous; kubernetes: a bearer token checked with TokenReview, and get on mcpregistries/catalog <registry> in its namespace (SubjectAccessReview); oidc: a JWT from --oidc-issuer; api-keys: a key from --api-keys-file',
    )
      .choices(['anonymous', 'kubernetes', 'oidc', 'api-keys'])
      .default('anonymous'),
  )
  .option('--auth-cache-seconds <n>', 'how long a token or access review answer is reused, at most', '60')
  .option('--oidc-issuer <url>', 'with --auth oidc: the issuer; its discovery document names the JWKS')
  .option(
    '--oidc-audience <aud>',
    'with --auth oidc: an accepted audience (repeat for several)',
    (v: string, all: string[]) => [...all, v],
    [] as string[],
  )
  .option('--oidc-clock-skew-seconds <n>', 'tolerated clock difference with the issuer', '30')
  .option('--oidc-groups-claim <claim>', 'a claim whose values are the caller’s groups')
  .option(
    '--destination-policy <json>',
    'the platform policy’s destination rules (allowedHosts, allowHTTP, allowedCIDRs, deniedCIDRs, allowPrivateNetworks, clusterDomain) the OIDC fetches obey',
  )
  .option('--api-keys-reload-seconds <n>', 're-read --api-keys-file this often (0: never)', '10')
  .option(
    '--base-path <path>',
    'serve the API, the catalog page, /mcp and /openapi.json under this path prefix, e.g. /registry (/healthz, /readyz and /metrics also answer at the root)',
  )
  .option(
    '--cors-origins <origins>',
    'origins browsers may read the API from: "*" or scheme://host[:port],… (default: "*" without auth, none with auth)',
  )
  .option(
    '--authorization-policies <path>',
    'Cedar policies deciding which entries each caller may read (reloaded when the file changes; hidden entries are 404)',
  )
  .option('--audit', 'write one JSON audit line per request to stdout ("logger":"audit")')
  .addOption(
    new Option('--log-level <level>', 'log level')
      .choices(['fatal', 'error', 'warn', 'info', 'debug'])
      .default('info'),
  )
  .addHelpText(
    'after',
    '\nExamples:\n  thv-registry-api serve --from-file registry.json --address 127.0.0.1:8080\n  thv-registry-api serve --from-configmap my-registry-registry-storage --registry-name my-registry\n',
  )
  .action(async (o: ServeOptions) => {
    try {
      await serve(o);
    } catch (e) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    }
  });

program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
await program.parseAsync(process.argv);
