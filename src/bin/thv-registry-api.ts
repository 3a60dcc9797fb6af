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
import { corsPolicy } from '../registry-api/access/cors.ts';

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
  auth: 'anonymous' | 'kubernetes';
  authCacheSeconds: string;
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
  const authenticated = Boolean(o.apiKeysFile || o.jwksUrl || kubernetesAuth);
  let cors;
  try {
    cors = corsPolicy(o.corsOrigins, authenticated);
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
    apiKeysFile: o.apiKeysFile,
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
  const srv = await startApiServer({
    address: o.address,
    store,
    log,
    auth,
    metrics,
    metricsRegistry: registry,
    cors,
  });
  log.info({ url: srv.url, auth: auth.enabled }, 'registry API listening');
  process.stdout.write(`listening on ${srv.url}\n`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const)
    process.on(sig, () => {
      loader.stop();
      void srv.close().then(() => process.exit(0));
    });
}

class UsageError extends Error {}

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
      'anonymous, or kubernetes: a bearer token checked with TokenReview, and get on mcpregistries/catalog <registry> in its namespace (SubjectAccessReview)',
    )
      .choices(['anonymous', 'kubernetes'])
      .default('anonymous'),
  )
  .option('--auth-cache-seconds <n>', 'how long a token or access review answer is reused, at most', '60')
  .option(
    '--cors-origins <origins>',
    'origins browsers may read the API from: "*" or scheme://host[:port],… (default: "*" without auth, none with auth)',
  )
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
