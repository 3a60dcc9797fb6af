/**
 * The one wrapper over the Kubernetes API. Kubeconfig loading and credentials come from
 * src/kube/credentials.ts (not @kubernetes/client-node, which costs ~80 MiB per isolate that
 * imports it); requests go over node:https so every caller sees the status code,
 * the apiserver's Status body, and its Warning headers (the CLI prints admission warnings
 * exactly as the apiserver sent them).
 */
import { request as httpsRequest, Agent, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { Credentials } from './credentials.ts';

import {
  isStatus,
  KubeApiError,
  PATCH_CONTENT_TYPES,
  parseWarnings,
  resourcePath,
  withQuery,
  type KubeStatus,
  type PatchType,
  type Query,
  type RequestArgs,
  type ResourceRef,
  type Response,
  type WatchEvent,
} from './types.ts';

export {
  isStatus,
  KubeApiError,
  METADATA_ACCEPT,
  METADATA_LIST_ACCEPT,
  resourcePath,
  type KubeStatus,
  type PatchType,
  type Query,
  type RequestArgs,
  type ResourceRef,
  type Response,
  type WatchEvent,
} from './types.ts';

export interface KubeClientOptions {
  kubeconfig?: string;
  context?: string;
  /** Send requests as this user (impersonation). */
  impersonateUser?: string;
  impersonateGroups?: string[];
  userAgent?: string;
}

export class KubeClient {
  readonly credentials: Credentials;
  readonly server: URL;
  private readonly agent: Agent;
  // Watches hold a connection for minutes: 64 of them (3 informers per watched namespace, discovery's
  // per kind and namespace) would take every request socket and starve GETs and PATCHes forever.
  private readonly watchAgent: Agent;
  private readonly opts: KubeClientOptions;

  private constructor(credentials: Credentials, opts: KubeClientOptions) {
    this.credentials = credentials;
    this.opts = opts;
    this.server = new URL(credentials.selection.cluster.server);
    this.agent = new Agent({ keepAlive: true, maxSockets: 64 });
    this.watchAgent = new Agent({ keepAlive: false });
  }

  /** Loads --kubeconfig, then $KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  static load(opts: KubeClientOptions = {}): KubeClient {
    return new KubeClient(Credentials.load({ kubeconfig: opts.kubeconfig, context: opts.context }), opts);
  }

  /** The namespace of the current context, or `default`. */
  get defaultNamespace(): string {
    return this.credentials.selection.namespace;
  }

  private async options(
    method: string,
    path: string,
    extraHeaders: Record<string, string>,
  ): Promise<RequestOptions> {
    const opts: RequestOptions = {
      method,
      hostname: this.server.hostname,
      port: this.server.port || (this.server.protocol === 'https:' ? 443 : 80),
      path: (this.server.pathname.replace(/\/$/, '') || '') + path,
      headers: {
        Accept: 'application/json',
        'User-Agent': this.opts.userAgent ?? 'mcp-registry-operator',
        ...extraHeaders,
      },
    };
    await this.credentials.apply(opts);
    // A proxy-url cluster comes with the proxy's agent from @kubernetes/client-node.
    if (this.server.protocol === 'https:' && !opts.agent) opts.agent = this.agentFor(opts);
    const headers = opts.headers as Record<string, string | string[]>;
    if (this.opts.impersonateUser) headers['Impersonate-User'] = this.opts.impersonateUser;
    if (this.opts.impersonateGroups?.length) headers['Impersonate-Group'] = this.opts.impersonateGroups;
    return opts;
  }

  private agentFor(opts: RequestOptions, agent: Agent = this.agent): Agent {
    // The credentials put the TLS material on the options; keep one agent for it.
    Object.assign(agent.options, {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      rejectUnauthorized: opts.rejectUnauthorized,
    });
    return agent;
  }

  async request<T>(path: string, args: RequestArgs = {}): Promise<Response<T>> {
    const method = args.method ?? 'GET';
    const payload =
      args.body === undefined
        ? undefined
        : Buffer.from(typeof args.body === 'string' ? args.body : JSON.stringify(args.body));
    const headers: Record<string, string> = args.accept ? { Accept: args.accept } : {};
    if (payload) {
      headers['Content-Type'] = args.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const opts = await this.options(method, withQuery(path, args.query), headers);
    const send = this.server.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response<T>>((resolve, reject) => {
      const req = send({ ...opts, signal: args.signal, timeout: args.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const warnings = parseWarnings(res.headers.warning);
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            /* not JSON: keep the text */
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ status, body: body as T, warnings });
          else {
            const st: KubeStatus =
              typeof body === 'object' && body ? (body as KubeStatus) : { message: String(body) };
            reject(new KubeApiError(status, st, warnings));
          }
        });
      });
      req.on('timeout', () =>
        req.destroy(new Error(`request to the Kubernetes API timed out: ${method} ${path}`)),
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async get<T>(ref: ResourceRef, query?: Query, accept?: string): Promise<T> {
    return (await this.request<T>(resourcePath(ref), { query, accept })).body;
  }

  /** GET, with undefined for 404: for objects whose absence is a normal state, not an error. */
  async find<T>(ref: ResourceRef, query?: Query, accept?: string): Promise<T | undefined> {
    try {
      return await this.get<T>(ref, query, accept);
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }

  async list<T>(
    ref: ResourceRef,
    query?: Query,
    accept?: string,
  ): Promise<{ items: T[]; metadata: { resourceVersion?: string; continue?: string } }> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    do {
      type Page = { items: T[] | null; metadata: { resourceVersion?: string; continue?: string } };
      const page = await this.get<Page>(ref, { ...query, limit: 500, continue: cont }, accept);
      // A PartialObjectMetadataList without items says `items: null`.
      for (const item of page.items ?? []) items.push(item);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion;
    } while (cont);
    return { items, metadata: { resourceVersion: rv } };
  }

  async create<T>(ref: ResourceRef, body: unknown, query?: Query, accept?: string): Promise<Response<T>> {
    return this.request<T>(resourcePath({ ...ref, name: undefined }), {
      method: 'POST',
      body,
      query,
      accept,
    });
  }

  async replace<T>(ref: ResourceRef, body: unknown, query?: Query, accept?: string): Promise<Response<T>> {
    return this.request<T>(resourcePath(ref), { method: 'PUT', body, query, accept });
  }

  async patch<T>(ref: ResourceRef, type: PatchType, body: unknown, query?: Query): Promise<Response<T>> {
    return this.request<T>(resourcePath(ref), {
      method: 'PATCH',
      body,
      query,
      contentType: PATCH_CONTENT_TYPES[type],
    });
  }

  async delete(ref: ResourceRef, query?: Query, body?: unknown): Promise<void> {
    await this.request(resourcePath(ref), { method: 'DELETE', query, body });
  }

  /** DELETE, where an object already gone counts as deleted. */
  async deleteIfExists(ref: ResourceRef, query?: Query): Promise<void> {
    try {
      await this.delete(ref, query);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }

  /**
   * Opens a watch and calls onEvent for each event until the server closes the stream, the signal
   * aborts, or an error occurs. Resolves when the stream ends; rejects on HTTP errors (410 included:
   * the caller re-lists).
   */
  async watch<T>(
    ref: ResourceRef,
    query: Query,
    onEvent: (e: WatchEvent<T>) => void,
    signal?: AbortSignal,
    accept?: string,
  ): Promise<void> {
    const opts = await this.options(
      'GET',
      withQuery(resourcePath(ref), { ...query, watch: true }),
      accept ? { Accept: accept } : {},
    );
    const https = this.server.protocol === 'https:';
    if (https && opts.agent === this.agent) opts.agent = this.agentFor(opts, this.watchAgent);
    const send = https ? httpsRequest : httpRequest;
    return new Promise<void>((resolve, reject) => {
      const req = send({ ...opts, signal }, (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body: KubeStatus = {};
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubeStatus;
            } catch {
              /* keep empty */
            }
            reject(new KubeApiError(status, body, []));
          });
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            try {
              onEvent(JSON.parse(line) as WatchEvent<T>);
            } catch (e) {
              req.destroy(e as Error);
              return;
            }
          }
        });
        res.on('end', () => resolve());
        res.on('error', (e) => (signal?.aborted ? resolve() : reject(e)));
      });
      req.on('error', (e) => (signal?.aborted ? resolve() : reject(e)));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}
