/**
 * Fetch-time hardening through the controller as the operator runs it (issue #12.7, #12.9, #12.3):
 * a controller under the BUILT-IN policy refuses a loopback HTTP server; one whose policy lists an
 * address fetches from it, refuses a redirect from it to 127.0.0.1 and a name (localhost) resolving
 * to loopback; a git repository whose registry.json is a symlink out of the checkout is refused; a
 * ReDoS filter over 60-character names syncs. Real apiserver, real servers, real git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, putConfigMap, registry, waitPhase } from './helpers.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

let builtinNs: string;
let listedNs: string;
const ctrls: ControllerProcess[] = [];
let stopCluster: (() => Promise<void>) | undefined;
const servers: Server[] = [];
let loPort = 0;
let hopPort = 0;
let repoDir = '';

function listen(s: Server, host: string): Promise<number> {
  servers.push(s);
  return new Promise((r) =>
    s.listen(0, host, () => {
      const a = s.address();
      r(typeof a === 'object' && a ? a.port : 0);
    }),
  );
}

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  builtinNs = await createNamespace('dest-builtin');
  listedNs = await createNamespace('dest-listed');
  loPort = await listen(
    createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(FIXTURE)),
    '127.0.0.1',
  );
  hopPort = await listen(
    createServer((req, res) => {
      if (req.url === '/redirect')
        res.writeHead(302, { Location: `http://127.0.0.1:${loPort}/registry.json` }).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(FIXTURE);
    }),
    '127.0.0.2',
  );
  repoDir = mkdtempSync(join(tmpdir(), 'mcpr-dest-git-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repoDir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
  git('init', '-q', '-b', 'main');
  symlinkSync('/etc/passwd', join(repoDir, 'registry.json'));
  git('add', '-A');
  git('commit', '-q', '-m', 'a registry.json that points out of the repository');
  // The built-in destination rules, as the shipped manifests run them; plain http and file://
  // repositories allowed, since every fetch is judged by the whole policy and these servers are http.
  ctrls.push(
    startController({
      kubeconfig: cluster.kubeconfig,
      namespaces: [builtinNs],
      policy: 'allowHTTP: true\nallowFileGit: true\n',
    }),
  );
  ctrls.push(
    startController({
      kubeconfig: cluster.kubeconfig,
      namespaces: [listedNs],
      policy: 'allowedCIDRs: [127.0.0.2/32]\nallowHTTP: true\n',
    }),
  );
});
after(async () => {
  for (const c of ctrls) await c.stop();
  for (const s of servers) s.close();
  rmSync(repoDir, { recursive: true, force: true });
  await stopCluster?.();
});

async function create(ns: string, name: string, spec: MCPRegistryV1beta1['spec']) {
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, name, spec));
}
const url = (href: string): MCPRegistryV1beta1['spec'] => ({
  sources: [{ name: 'web', type: 'url', url: { href, timeout: '5s' } }],
});

async function failedWith(ns: string, name: string, reason: string): Promise<string> {
  const r = await waitPhase(ns, name, 'Failed', (x) =>
    (x.status?.conditions ?? []).some((c) => c.reason === reason),
  );
  return r.status?.message ?? '';
}

test('built-in policy: a loopback HTTP server is never fetched', async () => {
  await create(builtinNs, 'lo', url(`http://127.0.0.1:${loPort}/registry.json`));
  const message = await failedWith(builtinNs, 'lo', 'DestinationRefused');
  assert.ok(
    message.includes(
      `http://127.0.0.1:${loPort}/registry.json: refused by the platform policy: 127.0.0.1 is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    ),
    message,
  );
});

test('listed in allowedCIDRs: fetched and Ready', async () => {
  await create(listedNs, 'listed', url(`http://127.0.0.2:${hopPort}/registry.json`));
  await waitPhase(listedNs, 'listed', 'Ready');
});

test('a redirect from the allowed host to 127.0.0.1 is refused', async () => {
  await create(listedNs, 'hop', url(`http://127.0.0.2:${hopPort}/redirect`));
  const message = await failedWith(listedNs, 'hop', 'DestinationRefused');
  assert.ok(
    message.includes(
      `http://127.0.0.1:${loPort}/registry.json: refused by the platform policy: 127.0.0.1 is a loopback address`,
    ),
    message,
  );
});

test('a DNS name resolving to loopback (localhost) is refused after resolution', async () => {
  await create(listedNs, 'named', url(`http://localhost:${loPort}/registry.json`));
  const message = await failedWith(listedNs, 'named', 'DestinationRefused');
  assert.match(
    message,
    /refused by the platform policy: "localhost" \((127\.0\.0\.1|::1)\) is a loopback address/,
  );
});

test('git: a registry.json symlink to /etc/passwd is refused, nothing outside the checkout is stored', async () => {
  await create(builtinNs, 'escape', {
    sources: [
      { name: 'repo', type: 'git', git: { repository: `file://${repoDir}`, ref: { branch: 'main' } } },
    ],
  });
  const message = await failedWith(builtinNs, 'escape', 'GitPathOutsideRepository');
  assert.ok(
    message.includes(
      `git: registry.json in file://${repoDir} is a symbolic link that leads outside the repository; refusing to read it`,
    ),
    message,
  );
  assert.ok(!message.includes('root:'), 'no content of the file is shown');
});

test('a ReDoS filter over 60-character names syncs (linear-time globs)', async () => {
  const servers: Record<string, unknown> = {};
  const doc = JSON.parse(FIXTURE) as { servers: Record<string, unknown> };
  const [entry] = Object.values(doc.servers);
  for (let i = 0; i < 200; i++) servers[`${'a'.repeat(55)}${String(i).padStart(5, '0')}`] = entry;
  servers[`${'a'.repeat(59)}b`] = entry;
  await putConfigMap(builtinNs, 'names', {
    'registry.json': JSON.stringify({ ...doc, servers, remote_servers: {} }),
  });
  await create(builtinNs, 'redos', {
    sources: [{ name: 'cm', type: 'configmap', configMapRef: { name: 'names' } }],
    filter: { names: { include: ['*a*a*a*a*a*a*a*a*a*b'] } },
  });
  const r = await waitPhase(builtinNs, 'redos', 'Ready');
  assert.equal(r.status?.sync?.serverCount, 1);
});
