/** The registries' sources for the upgrade test (upgrade.test.ts), each a real server or repository. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { KubeClient } from '../../../src/kube/client.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { ROOT } from '../helm/chart.ts';
import { FIXTURE } from '../controller/helpers.ts';

export const TEAM = 'team-a';
const CMS = { group: '', version: 'v1', plural: 'configmaps', namespace: TEAM };

export type Sources = Awaited<ReturnType<typeof startSources>>;

/** The four sources: a ConfigMap, a URL over HTTPS, a git repository and an MCP registry API. */
export async function startSources(
  client: KubeClient,
  work: string,
  child: (c: ChildProcess) => void,
  server: (s: Server) => void,
) {
  await client.create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name: TEAM } });
  await client.create(CMS, { metadata: { name: 'catalog' }, data: { 'registry.json': FIXTURE } });
  const ca = await createCA('upgrade-source-ca', 2);
  const cert = await issueCert(ca, {
    commonName: 'source',
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
    validDays: 2,
  });
  const source = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(FIXTURE),
  );
  server(source);
  await new Promise<void>((r) => source.listen(0, '127.0.0.1', r));
  const addr = source.address();
  const href = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/registry.json`;
  await client.create(
    { group: '', version: 'v1', plural: 'secrets', namespace: TEAM },
    { metadata: { name: 'source-ca' }, stringData: { 'ca.crt': ca.certPem } },
  );
  const repo = join(work, 'repo');
  mkdirSync(repo);
  writeFileSync(join(repo, 'registry.json'), FIXTURE);
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { cwd: repo });
  git('init', '-q', '-b', 'main');
  git('add', 'registry.json');
  git('commit', '-q', '-m', 'catalog');
  // Our own registry API (thv-registry-api) serving the catalog as the upstream /v0.1/servers API.
  const fixtureFile = join(work, 'registry.json');
  writeFileSync(fixtureFile, FIXTURE);
  const api = spawn(
    process.execPath,
    [
      join(ROOT, 'src/bin/thv-registry-api.ts'),
      'serve',
      `--from-file=${fixtureFile}`,
      '--address=127.0.0.1:0',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child(api);
  const apiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    api.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    api.once('exit', (code) => reject(new Error(`thv-registry-api exited ${code}`)));
  });
  return {
    configmap: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
    url: [{ name: 'web', type: 'url', url: { href, caBundleRef: { name: 'source-ca' } } }],
    git: [{ name: 'repo', type: 'git', git: { repository: `file://${repo}`, ref: { branch: 'main' } } }],
    registry: [{ name: 'upstream', type: 'registry', format: 'upstream', registry: { baseURL: apiUrl } }],
  };
}
