/**
 * A plain HTTP server on 127.0.0.1 for the calling test file: listening before its tests, closed after
 * them (open connections too). Sources fetching it need allowLoopbackSources() (destinations.ts), since
 * the built-in policy refuses loopback (SPEC §8).
 */
import { after, before } from 'node:test';
import { createServer, type RequestListener, type Server } from 'node:http';

export interface LoopbackHttp {
  readonly server: Server;
  /** `http://127.0.0.1:<port>`, set once the server listens (in before()). */
  readonly url: string;
}

export function loopbackHttp(handle: RequestListener): LoopbackHttp {
  const out = { server: createServer(handle), url: '' };
  before(async () => {
    await new Promise<void>((r) => out.server.listen(0, '127.0.0.1', r));
    const addr = out.server.address();
    out.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => {
    out.server.closeAllConnections();
    out.server.close();
  });
  return out;
}
