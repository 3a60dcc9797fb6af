/**
 * Sources a hostile tenant would run, for the bounded-work tests (issue #12.4): HTTPS servers on
 * loopback addresses (127.0.0.x, distinct hosts to the controller) sharing one CA and one handler.
 * - /drip: 200 and then one byte per second, forever (a slowloris source); open connections counted.
 * - /huge: a body larger than the 64 MiB source limit, sent as fast as the client reads.
 * - /fast: a small catalog whose bytes change on every request, so every sync stores something new.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { client } from '../../support/cluster.ts';
import { FIXTURE } from './helpers.ts';

export interface HostileSources {
  /** Base URL per address, e.g. base('127.0.0.2') = https://127.0.0.2:<port>. */
  base(address: string): string;
  /** Drip connections open now, and the most ever open at once, per address. */
  drips: Map<string, { open: number; max: number }>;
  fastRequests: number;
  /** Creates the CA Secret (key ca.crt) that url.caBundleRef names, in a namespace. */
  caSecret(namespace: string, name?: string): Promise<void>;
  close(): void;
}

export async function startHostileSources(addresses: string[]): Promise<HostileSources> {
  const ca = await createCA('hostile-sources-ca');
  const cert = await issueCert(ca, { commonName: 'sources', ipAddresses: addresses, usage: 'server' });
  const drips = new Map(addresses.map((a) => [a, { open: 0, max: 0 }]));
  const doc = JSON.parse(FIXTURE) as Record<string, unknown>;
  const timers = new Set<NodeJS.Timeout>();
  const state = { fastRequests: 0 };
  const handler = (address: string) => (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    if (path === '/fast') {
      state.fastRequests++;
      const body = JSON.stringify({
        ...doc,
        last_updated: new Date(Date.UTC(2025, 0, 1) + state.fastRequests * 1000).toISOString(),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (path === '/drip') {
      const d = drips.get(address) ?? { open: 0, max: 0 };
      d.open++;
      d.max = Math.max(d.max, d.open);
      res.writeHead(200, { 'content-type': 'application/json' });
      const t = setInterval(() => res.write(' '), 1000);
      timers.add(t);
      res.write('{');
      res.on('close', () => {
        clearInterval(t);
        timers.delete(t);
        d.open--;
      });
      return;
    }
    if (path === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 80) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.write('{"servers":{');
      more();
      return;
    }
    res.writeHead(404).end();
  };
  const servers: Server[] = [];
  const ports = new Map<string, number>();
  for (const address of addresses) {
    const server = createServer({ cert: cert.certPem, key: cert.keyPem }, handler(address));
    await new Promise<void>((r) => server.listen(0, address, r));
    const addr = server.address();
    ports.set(address, typeof addr === 'object' && addr ? addr.port : 0);
    servers.push(server);
  }
  return {
    base: (address) => `https://${address}:${ports.get(address) ?? 0}`,
    drips,
    get fastRequests() {
      return state.fastRequests;
    },
    async caSecret(namespace, name = 'sources-ca') {
      await client().create(
        { group: '', version: 'v1', plural: 'secrets', namespace },
        { metadata: { name }, stringData: { 'ca.crt': ca.certPem } },
      );
    },
    close() {
      for (const t of timers) clearInterval(t);
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
    },
  };
}

/** A url source on one of the servers, trusting their CA. */
export function urlSource(href: string, timeout = '10m') {
  return {
    sources: [
      { name: 'main', type: 'url' as const, url: { href, timeout, caBundleRef: { name: 'sources-ca' } } },
    ],
  };
}
