/**
 * A round-robin TCP proxy on loopback standing in for a Service: each client connection is piped to
 * one backend chosen when it connects. Removing a backend (as the endpoints controller does when a pod
 * starts terminating) only affects new connections; existing ones stay piped to the old backend,
 * which is exactly how the apiserver keeps talking to a terminating webhook pod (kubernetes#127335).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export class TcpProxy {
  private server: Server | undefined;
  private backends: Backend[] = [];
  private next = 0;
  private readonly sockets = new Set<Socket>();
  /** Client connections that could not reach any backend (should stay 0). */
  refused = 0;
  connections = 0;

  constructor(backends: Backend[]) {
    this.backends = [...backends];
  }

  setBackends(backends: Backend[]): void {
    this.backends = [...backends];
  }

  add(b: Backend): void {
    this.backends.push(b);
  }

  remove(port: number): void {
    this.backends = this.backends.filter((b) => b.port !== port);
  }

  async listen(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((res) => this.server!.listen(0, '127.0.0.1', res));
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  private accept(client: Socket): void {
    this.connections++;
    const backend = this.backends[this.next++ % Math.max(1, this.backends.length)];
    if (!backend) {
      this.refused++;
      client.destroy();
      return;
    }
    const upstream = connect(backend.port, backend.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    // An error on one side closes the other, so the client sees a failure where it would without us.
    // (Not resetAndDestroy(): on Node 24 it can leave a half-closed socket spinning the event loop.)
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('connect', () => upstream.setNoDelay(true));
    client.setNoDelay(true);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((res) => (this.server ? this.server.close(() => res()) : res()));
  }
}
