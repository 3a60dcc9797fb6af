/**
 * An HTTP(S) load generator for loopback benchmarks and the reliability tests. Closed loop (N workers,
 * each waits for its answer) or open loop (a fixed arrival rate; latency counted from the intended send
 * time, so queueing shows up instead of being hidden by coordinated omission). Every run is bounded by
 * a request count AND a duration. Keep-alive or a new TLS connection per request (no session
 * resumption, like Go's default client, which the apiserver uses).
 */
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { summarize, type LatencySummary } from './stats.ts';

export interface LoadConfig {
  url: string;
  method?: string;
  /** Request bodies, used round robin; an empty list sends no body. */
  bodies?: string[];
  /** Paths used round robin instead of the URL's own path (for GET benchmarks). */
  paths?: string[];
  headers?: Record<string, string>;
  /** PEM bundle to trust (may hold several CAs, as during a CA rotation). */
  ca?: string;
  /** Client certificate and key (PEM), e.g. to talk to the apiserver as an admin. */
  cert?: string;
  key?: string;
  /** The HTTP status that counts as success (default 200). */
  expectStatus?: number;
  keepAlive: boolean;
  mode: 'closed' | 'open';
  /** Closed loop: workers. Open loop: the socket cap. */
  concurrency: number;
  /** Open loop: requests per second. */
  rate?: number;
  maxRequests: number;
  durationMs: number;
  /** Load run first on the same connections and not recorded (connections opened, JIT warm). */
  warmupMs?: number;
  /** What counts as success: HTTP 200, or HTTP 200 with a review whose response.uid echoes the request's. */
  check?: 'status200' | 'review-uid';
  timeoutMs?: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Failure kinds (error code or HTTP status) and how often each occurred. */
  errors: Record<string, number>;
  elapsedMs: number;
  /** Successful requests per second of elapsed time. */
  throughput: number;
  latencyMs: LatencySummary;
  meanResponseBytes: number;
  /** CPU the generator itself used, as a fraction of one core (near 1.0 means the client was the limit). */
  generatorCpu: number;
}

interface Shot {
  path: string;
  body: string | undefined;
  uid: string | undefined;
}

function uidOf(body: string): string | undefined {
  try {
    const v = JSON.parse(body) as { request?: { uid?: unknown } };
    return typeof v.request?.uid === 'string' ? v.request.uid : undefined;
  } catch {
    return undefined;
  }
}

/** Counters a caller in the same process can watch while a run is going. */
export interface LiveCounts {
  ok: number;
  failed: number;
}

/**
 * `stop` ends the run early (the reliability tests run load until their scenario is over); `live` is
 * updated as answers arrive.
 */
export async function runLoad(cfg: LoadConfig, stop?: AbortSignal, live?: LiveCounts): Promise<LoadResult> {
  const url = new URL(cfg.url);
  const isHttps = url.protocol === 'https:';
  const agentOpts = {
    keepAlive: cfg.keepAlive,
    maxSockets: cfg.keepAlive ? cfg.concurrency : Infinity,
    ...(isHttps ? { maxCachedSessions: 0 } : {}),
  };
  const agent = isHttps ? new HttpsAgent(agentOpts) : new HttpAgent(agentOpts);
  const bodies = cfg.bodies?.length ? cfg.bodies : [undefined];
  const paths = cfg.paths?.length ? cfg.paths : [url.pathname + url.search];
  const shots: Shot[] = [];
  for (let i = 0; i < Math.max(bodies.length, paths.length); i++) {
    const body = bodies[i % bodies.length];
    shots.push({
      path: paths[i % paths.length] as string,
      body,
      uid: body && cfg.check === 'review-uid' ? uidOf(body) : undefined,
    });
  }
  const headers: Record<string, string> = { ...cfg.headers };
  if (cfg.bodies?.length) headers['content-type'] ??= 'application/json';
  if (!cfg.keepAlive) headers.connection = 'close';
  const timeoutMs = cfg.timeoutMs ?? 10_000;

  const phase = async (durationMs: number): Promise<LoadResult> => {
    const latencies: number[] = [];
    const errors: Record<string, number> = {};
    let sent = 0;
    let ok = 0;
    let failed = 0;
    let bytes = 0;
    const fail = (kind: string) => {
      failed++;
      if (live) live.failed++;
      errors[kind] = (errors[kind] ?? 0) + 1;
    };

    const one = (shot: Shot, startedAt: number): Promise<void> =>
      new Promise((resolve) => {
        let done = false;
        const finish = (err?: string) => {
          if (done) return;
          done = true;
          if (err) fail(err);
          else {
            ok++;
            if (live) live.ok++;
            latencies.push(performance.now() - startedAt);
          }
          resolve();
        };
        const onResponse = (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            bytes += buf.length;
            if (res.statusCode !== (cfg.expectStatus ?? 200)) return finish(`HTTP ${res.statusCode}`);
            if (shot.uid !== undefined) {
              try {
                const review = JSON.parse(buf.toString('utf8')) as { response?: { uid?: unknown } };
                if (review.response?.uid !== shot.uid) return finish('wrong uid');
              } catch {
                return finish('malformed review');
              }
            }
            finish();
          });
        };
        const opts = {
          host: url.hostname,
          port: url.port,
          path: shot.path,
          method: cfg.method ?? (shot.body === undefined ? 'GET' : 'POST'),
          headers:
            shot.body === undefined
              ? headers
              : { ...headers, 'content-length': Buffer.byteLength(shot.body) },
          agent,
          ...(isHttps && cfg.ca ? { ca: cfg.ca } : {}),
          ...(isHttps && cfg.cert ? { cert: cfg.cert, key: cfg.key } : {}),
        };
        const req = isHttps ? httpsRequest(opts, onResponse) : httpRequest(opts, onResponse);
        req.setTimeout(timeoutMs, () =>
          req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
        );
        req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
        req.end(shot.body);
      });

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const deadline = t0 + durationMs;
    if (cfg.mode === 'closed') {
      const worker = async () => {
        while (sent < cfg.maxRequests && performance.now() < deadline && !stop?.aborted) {
          const shot = shots[sent++ % shots.length] as Shot;
          await one(shot, performance.now());
        }
      };
      await Promise.all(Array.from({ length: cfg.concurrency }, worker));
    } else {
      const rate = cfg.rate ?? 100;
      const inflight = new Set<Promise<void>>();
      await new Promise<void>((resolveAll) => {
        const tick = () => {
          const now = performance.now();
          const due = Math.min(cfg.maxRequests, Math.floor(((now - t0) * rate) / 1000) + 1);
          while (sent < due && now < deadline && !stop?.aborted) {
            const intended = t0 + (sent * 1000) / rate;
            const p = one(shots[sent++ % shots.length] as Shot, intended);
            inflight.add(p);
            void p.then(() => inflight.delete(p));
          }
          if (sent >= cfg.maxRequests || performance.now() >= deadline || stop?.aborted) resolveAll();
          else setTimeout(tick, 1);
        };
        tick();
      });
      await Promise.all(inflight);
    }
    const elapsedMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return {
      sent,
      ok,
      failed,
      errors,
      elapsedMs,
      throughput: (ok * 1000) / elapsedMs,
      latencyMs: summarize(latencies),
      meanResponseBytes: ok + failed ? bytes / (ok + failed) : 0,
      generatorCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
    };
  };
  if (cfg.warmupMs) await phase(cfg.warmupMs);
  const result = await phase(cfg.durationMs);
  agent.destroy();
  return result;
}
