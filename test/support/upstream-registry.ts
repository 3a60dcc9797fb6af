/**
 * The official MCP registry server (github.com/modelcontextprotocol/registry, built by
 * test/upstream-registry/build.sh) on loopback, backed by a private PostgreSQL 15 cluster in a temp
 * dir, for integration tests that need a real upstream `registry` source.
 *
 * PostgreSQL refuses to run as root, so when the tests run as root (CI) initdb and postgres run as
 * `nobody`. postgres is started in the foreground as our own child (not daemonised by pg_ctl) so its
 * pid is ours to stop and nothing outlives the test file. Seeding uses the registry's own paths: its
 * seed-file option (MCP_REGISTRY_SEED_FROM) at the first start, and its publish and status APIs with
 * the anonymous token (which may write only `io.modelcontextprotocol.anonymous/*`).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/local/control-plane.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PG_BIN = process.env.MCPR_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
export const SERVER_SCHEMA = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
export const ANONYMOUS = 'io.modelcontextprotocol.anonymous';

export type ServerJson = Record<string, unknown> & { name: string; version: string };

/** A minimal valid server.json with one OCI package (so ToolHive can express it as a container). */
export function serverJson(name: string, version: string, description = `The ${name} server`): ServerJson {
  return {
    $schema: SERVER_SCHEMA,
    name,
    description,
    version,
    packages: [
      {
        registryType: 'oci',
        identifier: `ghcr.io/example/${name.split('/').pop()}:${version}`,
        transport: { type: 'stdio' },
      },
    ],
  };
}

export interface UpstreamRegistry {
  /** http://127.0.0.1:<port>, the value for `registry.baseURL`. */
  baseURL: string;
  /** POST /v0.1/publish with an anonymous token. */
  publish(server: ServerJson): Promise<void>;
  /** PATCH …/versions/{version}/status (active, deprecated, deleted). */
  setStatus(name: string, version: string, status: string, statusMessage?: string): Promise<void>;
  /** Stops the registry server only (the database keeps its data). */
  stopServer(): Promise<void>;
  /** Starts it again on the same address. */
  startServer(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

/** Builds (or finds in the cache) the registry binary. */
function registryBinary(): string {
  if (process.env.MCPR_UPSTREAM_REGISTRY_BIN) return process.env.MCPR_UPSTREAM_REGISTRY_BIN;
  const out = execFileSync('bash', [join(ROOT, 'test/upstream-registry/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop() ?? '';
}

/** uid/gid to run PostgreSQL as: ourselves, or `nobody` when we are root. */
function pgUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function spawnLogged(
  cmd: string,
  args: string[],
  logFile: string,
  opts: { cwd: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv },
): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(cmd, args, { ...opts, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child) return;
  const done = exited(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await done;
  clearTimeout(timer);
}

async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>, log: () => string) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end)
      throw new Error(`${what} not ready within ${timeoutMs} ms; log:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startUpstreamRegistry(opts: { seed?: ServerJson[] } = {}): Promise<UpstreamRegistry> {
  if (!existsSync(join(PG_BIN, 'initdb')))
    throw new Error(`PostgreSQL 15 not found in ${PG_BIN}: run scripts/prereqs.sh (package postgresql-15)`);
  const bin = registryBinary();
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-upstream-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'pgdata');
  const sock = join(dir, 'pgsock');
  const user = pgUser();
  for (const d of [data, sock]) {
    mkdirSync(d, { mode: 0o700 });
    if (user) chownSync(d, user.uid, user.gid);
  }
  const pgLog = join(dir, 'postgres.log');
  const regLog = join(dir, 'registry.log');
  const log = () =>
    [pgLog, regLog].map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')).join('\n--- registry ---\n');
  execFileSync(
    join(PG_BIN, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], ...user },
  );
  const pgPort = await freePort();
  let postgres: ChildProcess | undefined = spawnLogged(
    join(PG_BIN, 'postgres'),
    // fsync off: a throw-away database; durability would only cost test time.
    [
      '-D',
      data,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `port=${pgPort}`,
      '-c',
      `unix_socket_directories=${sock}`,
      '-c',
      'fsync=off',
    ],
    pgLog,
    { cwd: dir, ...user },
  );
  let server: ChildProcess | undefined;
  const killAll = () => {
    server?.kill('SIGKILL');
    postgres?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAll);
  const stop = async () => {
    process.removeListener('exit', killAll);
    await stopChild(server, 'SIGTERM');
    // SIGINT is PostgreSQL's fast shutdown: it ends its backends and exits.
    await stopChild(postgres, 'SIGINT');
    server = postgres = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      'PostgreSQL',
      60_000,
      async () => {
        execFileSync(join(PG_BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(pgPort)]);
        return true;
      },
      log,
    );
    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(opts.seed ?? []));
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      MCP_REGISTRY_SERVER_ADDRESS: `127.0.0.1:${port}`,
      MCP_REGISTRY_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres?sslmode=disable`,
      MCP_REGISTRY_DATABASE_MIN_CONNECTIONS: '1',
      MCP_REGISTRY_DATABASE_MAX_CONNECTIONS: '5',
      MCP_REGISTRY_JWT_PRIVATE_KEY: randomBytes(32).toString('hex'),
      MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH: 'true',
      // Package validation asks npm, PyPI, ghcr… whether each package exists: not a test's business.
      MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION: 'false',
    };
    let first = true;
    const startServer = async () => {
      server = spawnLogged(bin, [], regLog, {
        cwd: dir,
        env: first ? { ...env, MCP_REGISTRY_SEED_FROM: seedFile } : env,
      });
      first = false;
      await until(
        'the MCP registry server',
        120_000,
        async () => (await fetch(`${baseURL}/v0.1/health`)).ok,
        log,
      );
    };
    const token = async () => {
      const r = await fetch(`${baseURL}/v0.1/auth/none`, { method: 'POST' });
      if (!r.ok) throw new Error(`anonymous token: HTTP ${r.status} ${await r.text()}`);
      return ((await r.json()) as { registry_token: string }).registry_token;
    };
    const call = async (method: string, path: string, body: unknown) => {
      const r = await fetch(`${baseURL}${path}`, {
        method,
        headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
    };
    await startServer();
    return {
      baseURL,
      publish: (s) => call('POST', '/v0.1/publish', s),
      setStatus: (name, version, status, statusMessage) =>
        call(
          'PATCH',
          `/v0.1/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/status`,
          { status, ...(statusMessage !== undefined ? { statusMessage } : {}) },
        ),
      async stopServer() {
        await stopChild(server, 'SIGTERM');
        server = undefined;
      },
      startServer,
      stop,
      log,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
