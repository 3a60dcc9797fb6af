/**
 * Finds and reads the kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config, the in-cluster service
 * account) and puts its TLS material and credentials on each request. exec and auth-provider
 * plugins and proxy-url are left to @kubernetes/client-node, imported only when a kubeconfig uses
 * them: the library costs ~80 MiB RSS in every isolate that loads it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  mergeKubeconfigs,
  parseKubeconfig,
  selectContext,
  type Kubeconfig,
  type Selection,
} from './kubeconfig.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** A projected service-account token rotates; re-read it this often, as client-go does. */
const TOKEN_FILE_MAX_AGE_MS = 60_000;

export interface LoadOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** The in-cluster service-account directory (tests point it elsewhere). */
  serviceAccountDir?: string;
  now?: () => number;
}

function readKubeconfig(file: string): Kubeconfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`the kubeconfig ${file} does not exist`);
    throw new Error(`cannot read the kubeconfig ${file}: ${err.message}`);
  }
  return parseKubeconfig(text, file);
}

/** The service account a Pod runs as, in the shape of a kubeconfig (client-go's InClusterConfig). */
export function inClusterKubeconfig(env: NodeJS.ProcessEnv, dir: string): Kubeconfig {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT!;
  const source = 'in-cluster config';
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile))
    throw new Error(`${source}: the service account token ${tokenFile} does not exist`);
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const caFile = join(dir, 'ca.crt');
  const nsFile = join(dir, 'namespace');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined;
  return {
    clusters: [{ name: 'inCluster', source, server, caFile, insecure: false, raw: {} }],
    users: [{ name: 'inClusterUser', source, tokenFile, raw: { tokenFile } }],
    contexts: [{ name: 'inClusterContext', source, cluster: 'inCluster', user: 'inClusterUser', namespace }],
    currentContext: 'inClusterContext',
  };
}

/** --kubeconfig, else $KUBECONFIG (merged; missing files skipped), else ~/.kube/config, else in-cluster. */
export function loadKubeconfig(opts: LoadOptions = {}): Kubeconfig {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) return readKubeconfig(opts.kubeconfig);
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length) {
    const present = fromEnv.filter((f) => existsSync(f));
    if (!present.length) throw new Error(`no file in $KUBECONFIG exists: ${fromEnv.join(delimiter)}`);
    return mergeKubeconfigs(present.map(readKubeconfig));
  }
  const home = join(env.HOME || homedir(), '.kube', 'config');
  if (existsSync(home)) return readKubeconfig(home);
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT)
    return inClusterKubeconfig(env, opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  throw new Error(
    `no kubeconfig found: --kubeconfig is not given, $KUBECONFIG is not set, ${home} does not exist and this is not a Pod`,
  );
}

function material(
  file: string | undefined,
  data: string | undefined,
  what: string,
  owner: string,
): Buffer | undefined {
  if (file) {
    try {
      return readFileSync(file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new Error(`${owner}: the ${what} ${file} does not exist`);
      throw new Error(`${owner}: cannot read the ${what} ${file}: ${err.message}`);
    }
  }
  if (data === undefined) return undefined;
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(data)) throw new Error(`${owner}: ${what}-data is not base64`);
  return Buffer.from(data, 'base64');
}

/** The selected context's credentials, applied to each request's options. */
export class Credentials {
  readonly selection: Selection;
  private readonly ca?: Buffer;
  private readonly cert?: Buffer;
  private readonly key?: Buffer;
  private readonly now: () => number;
  private fileToken?: { token: string; readAt: number };
  private delegate?: Promise<KubeConfig>;

  constructor(selection: Selection, now: () => number = Date.now) {
    this.selection = selection;
    this.now = now;
    const { cluster, user } = selection;
    const c = `cluster "${cluster.name}" in ${cluster.source}`;
    const u = `user "${user.name}" in ${user.source}`;
    this.ca = material(cluster.caFile, cluster.caData, 'certificate-authority', c);
    this.cert = material(user.certFile, user.certData, 'client-certificate', u);
    this.key = material(user.keyFile, user.keyData, 'client-key', u);
    if (user.tokenFile && !user.token) this.readTokenFile(user.tokenFile);
  }

  static load(opts: LoadOptions = {}): Credentials {
    return new Credentials(selectContext(loadKubeconfig(opts), opts.context), opts.now);
  }

  private readTokenFile(file: string): string {
    let token: string;
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const owner = `user "${this.selection.user.name}" in ${this.selection.user.source}`;
      if (err.code === 'ENOENT') throw new Error(`${owner}: the tokenFile ${file} does not exist`);
      throw new Error(`${owner}: cannot read the tokenFile ${file}: ${err.message}`);
    }
    this.fileToken = { token, readAt: this.now() };
    return token;
  }

  private bearer(): string | undefined {
    const { token, tokenFile } = this.selection.user;
    if (token) return token;
    if (!tokenFile) return undefined;
    const cached = this.fileToken;
    if (cached && this.now() - cached.readAt <= TOKEN_FILE_MAX_AGE_MS) return cached.token;
    return this.readTokenFile(tokenFile);
  }

  /** Sets TLS options and auth headers on `opts` (whose `headers` must be a plain object). */
  async apply(opts: RequestOptions): Promise<void> {
    const { cluster, user } = this.selection;
    if (this.selection.delegate) return this.applyDelegated(opts);
    const headers = (opts.headers ??= {}) as Record<string, string | string[]>;
    if (this.ca) opts.ca = this.ca;
    if (this.cert) opts.cert = this.cert;
    if (this.key) opts.key = this.key;
    if (cluster.insecure) opts.rejectUnauthorized = false;
    if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
    const bearer = this.bearer();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    else if (user.username) opts.auth = `${user.username}:${user.password ?? ''}`;
    if (user.as) headers['Impersonate-User'] = user.as;
    if (user.asGroups?.length) headers['Impersonate-Group'] = user.asGroups;
  }

  private async applyDelegated(opts: RequestOptions): Promise<void> {
    this.delegate ??= this.loadClientNode();
    const kc = await this.delegate;
    await kc.applyToHTTPSOptions(opts);
    // client-node makes an agent per request options; keep only the one a proxy needs.
    if (!this.selection.cluster.proxyUrl) delete opts.agent;
  }

  private async loadClientNode(): Promise<KubeConfig> {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const { cluster, user, context, namespace } = this.selection;
    const kc = new KubeConfig();
    // JSON is YAML: hand over the selected entries only, their paths already absolute.
    kc.loadFromString(
      JSON.stringify({
        clusters: [{ name: cluster.name, cluster: { ...cluster.raw, server: cluster.server } }],
        users: [{ name: user.name || 'anonymous', user: user.raw }],
        contexts: [
          { name: context, context: { cluster: cluster.name, user: user.name || 'anonymous', namespace } },
        ],
        'current-context': context,
      }),
    );
    return kc;
  }
}
