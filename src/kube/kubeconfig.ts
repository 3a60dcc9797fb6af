/**
 * Kubeconfig parsing, merging and context selection as kubectl does them, without
 * @kubernetes/client-node: that library loads its generated API models, undici and openid-client
 * (~80 MiB RSS per V8 isolate), and every worker thread that talks to the apiserver would pay for
 * it. Pure: the file contents come in as text; src/kube/credentials.ts does the reading.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ClusterEntry {
  name: string;
  /** The kubeconfig the entry came from: messages name it. */
  source: string;
  server: string;
  caFile?: string;
  caData?: string;
  insecure: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** The entry as written (paths made absolute), for handing to @kubernetes/client-node. */
  raw: Record<string, unknown>;
}

export interface UserEntry {
  name: string;
  source: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  as?: string;
  asGroups?: string[];
  /** exec or auth-provider: credentials only @kubernetes/client-node knows how to get. */
  plugin?: 'exec' | 'auth-provider';
  raw: Record<string, unknown>;
}

export interface ContextEntry {
  name: string;
  source: string;
  cluster: string;
  user?: string;
  namespace?: string;
}

export interface Kubeconfig {
  clusters: ClusterEntry[];
  users: UserEntry[];
  contexts: ContextEntry[];
  currentContext?: string;
}

export interface Selection {
  context: string;
  namespace: string;
  cluster: ClusterEntry;
  user: UserEntry;
  /** True when a plugin or a proxy needs @kubernetes/client-node to build the request. */
  delegate: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Relative paths in a kubeconfig are relative to the kubeconfig's directory (kubectl semantics). */
function resolveIn(file: string, p: string): string {
  return isAbsolute(p) ? p : join(dirname(file), p);
}

function str(o: Obj, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Error(`${where}: ${key} must be a string`);
  return v;
}

function entries(doc: Obj, key: string, file: string): { name: string; body: Obj }[] {
  const list = doc[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`the kubeconfig ${file}: ${key} must be a list`);
  const inner = key.slice(0, -1); // clusters → cluster
  return list.map((item: unknown, i) => {
    if (!isObj(item) || typeof item.name !== 'string' || !item.name)
      throw new Error(`the kubeconfig ${file}: ${key}[${i}] has no name`);
    const body = item[inner] ?? {};
    if (!isObj(body))
      throw new Error(`the kubeconfig ${file}: ${inner} "${item.name}" must have a ${inner} mapping`);
    return { name: item.name, body };
  });
}

function parseCluster(name: string, body: Obj, file: string): ClusterEntry {
  const where = `cluster "${name}" in ${file}`;
  const server = str(body, 'server', where);
  if (!server) throw new Error(`${where} has no server`);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`${where}: server "${server}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${where}: server "${server}" must be an https:// or http:// URL`);
  const insecure = body['insecure-skip-tls-verify'];
  if (insecure !== undefined && typeof insecure !== 'boolean')
    throw new Error(`${where}: insecure-skip-tls-verify must be true or false`);
  const caFile = str(body, 'certificate-authority', where);
  const caData = str(body, 'certificate-authority-data', where);
  if (insecure && (caFile || caData))
    throw new Error(`${where}: insecure-skip-tls-verify cannot be combined with a certificate-authority`);
  const raw = { ...body, ...(caFile ? { 'certificate-authority': resolveIn(file, caFile) } : {}) };
  return {
    name,
    source: file,
    server: server.replace(/\/$/, ''),
    caFile: caFile && resolveIn(file, caFile),
    caData,
    insecure: insecure === true,
    tlsServerName: str(body, 'tls-server-name', where),
    proxyUrl: str(body, 'proxy-url', where),
    raw,
  };
}

function parseUser(name: string, body: Obj, file: string): UserEntry {
  const where = `user "${name}" in ${file}`;
  const path = (key: string) => {
    const p = str(body, key, where);
    return p && resolveIn(file, p);
  };
  const certFile = path('client-certificate');
  const keyFile = path('client-key');
  const certData = str(body, 'client-certificate-data', where);
  const keyData = str(body, 'client-key-data', where);
  if (Boolean(certFile || certData) !== Boolean(keyFile || keyData))
    throw new Error(`${where}: a client certificate needs a client key and the other way round`);
  const groups = body['as-groups'];
  if (groups !== undefined && (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string')))
    throw new Error(`${where}: as-groups must be a list of strings`);
  for (const key of ['exec', 'auth-provider'])
    if (body[key] !== undefined && !isObj(body[key])) throw new Error(`${where}: ${key} must be a mapping`);
  const plugin = isObj(body.exec) ? 'exec' : isObj(body['auth-provider']) ? 'auth-provider' : undefined;
  const raw: Obj = { ...body };
  for (const key of ['client-certificate', 'client-key', 'tokenFile']) if (path(key)) raw[key] = path(key);
  // client-go resolves an exec command with a slash against the kubeconfig's directory too.
  const command = isObj(body.exec) ? body.exec.command : undefined;
  if (typeof command === 'string' && command.includes('/'))
    raw.exec = { ...(body.exec as Obj), command: resolveIn(file, command) };
  return {
    name,
    source: file,
    certFile,
    certData,
    keyFile,
    keyData,
    token: str(body, 'token', where),
    tokenFile: path('tokenFile'),
    username: str(body, 'username', where),
    password: str(body, 'password', where),
    as: str(body, 'as', where),
    asGroups: groups as string[] | undefined,
    plugin,
    raw,
  };
}

function parseContext(name: string, body: Obj, file: string): ContextEntry {
  const where = `context "${name}" in ${file}`;
  const cluster = str(body, 'cluster', where);
  if (!cluster) throw new Error(`${where} names no cluster`);
  return {
    name,
    source: file,
    cluster,
    user: str(body, 'user', where),
    namespace: str(body, 'namespace', where),
  };
}

/** Parses one kubeconfig file's text; `file` resolves relative paths and names the file in messages. */
export function parseKubeconfig(text: string, file: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(
      `the kubeconfig ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]!.replace(/:$/, '')}`,
    );
  }
  if (doc === null || doc === undefined) return { clusters: [], users: [], contexts: [] };
  if (!isObj(doc)) throw new Error(`the kubeconfig ${file} is not a mapping (clusters, contexts, users)`);
  const current = doc['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string')
    throw new Error(`the kubeconfig ${file}: current-context must be a string`);
  return {
    clusters: entries(doc, 'clusters', file).map((e) => parseCluster(e.name, e.body, file)),
    users: entries(doc, 'users', file).map((e) => parseUser(e.name, e.body, file)),
    contexts: entries(doc, 'contexts', file).map((e) => parseContext(e.name, e.body, file)),
    currentContext: current || undefined,
  };
}

/** Merges like kubectl with several KUBECONFIG paths: the first file to define a name wins. */
export function mergeKubeconfigs(configs: Kubeconfig[]): Kubeconfig {
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  return {
    clusters: firstByName(configs.map((c) => c.clusters)),
    users: firstByName(configs.map((c) => c.users)),
    contexts: firstByName(configs.map((c) => c.contexts)),
    currentContext: configs.find((c) => c.currentContext)?.currentContext,
  };
}

/** Picks --context, else current-context, and what it points at. */
export function selectContext(config: Kubeconfig, context?: string): Selection {
  const name = context || config.currentContext;
  // "no current cluster" is what src/cli/cluster.ts recognises as an unknown --context.
  if (!name) throw new Error('the kubeconfig has no current context; set current-context or use --context');
  const ctx = config.contexts.find((c) => c.name === name);
  if (!ctx)
    throw new Error(
      context
        ? `no current cluster: the kubeconfig has no context "${name}"`
        : `the current context "${name}" is not in the kubeconfig`,
    );
  const cluster = config.clusters.find((c) => c.name === ctx.cluster);
  if (!cluster)
    throw new Error(
      `context "${name}" in ${ctx.source} names cluster "${ctx.cluster}", which is not in the kubeconfig`,
    );
  let user: UserEntry = { name: '', source: ctx.source, raw: {} }; // no user: anonymous, like kubectl
  if (ctx.user) {
    const found = config.users.find((u) => u.name === ctx.user);
    if (!found)
      throw new Error(
        `context "${name}" in ${ctx.source} names user "${ctx.user}", which is not in the kubeconfig`,
      );
    user = found;
  }
  return {
    context: name,
    namespace: ctx.namespace || 'default',
    cluster,
    user,
    delegate: Boolean(user.plugin || cluster.proxyUrl),
  };
}
