/**
 * Smoke test of the shipped image (`npm run image`), run with podman the way the manifests run it
 * (uid 65532, read-only root, no capabilities): every command answers --help and --version; the
 * registry API serves a catalog mounted into the container; the operator, given a ServiceAccount
 * token where the kubelet puts it, bootstraps its self-signed certificate against a real apiserver,
 * takes the Lease and reports /readyz 200; a kubeconfig its user cannot read fails with a message
 * naming the file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, freePort, type ControlPlane } from '../../../src/local/control-plane.ts';
import { pollUntil } from '../../../src/local/poll.ts';
import { ROOT, image, podman, run, RESTRICTED, type Container } from './podman.ts';
import { kubectlAt } from '../../support/kubectl.ts';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const FIXTURE = join(ROOT, 'test/fixtures/toolhive-registry/registry-2025-10-22.json');
const UID = 65532;

const containers: Container[] = [];
const planes: ControlPlane[] = [];
after(async () => {
  for (const c of containers) c.remove();
  for (const cp of planes) await cp.stop();
});

function started(c: Container): Container {
  containers.push(c);
  return c;
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.text() };
}

test('the image is built from the Dockerfile and runs as uid 65532 with Node 24', () => {
  const ref = image();
  const inspect = podman([
    'image',
    'inspect',
    ref,
    '--format',
    '{{.Config.User}} {{json .Config.Entrypoint}}',
  ]);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.equal(inspect.stdout.trim(), '65532:65532 ["/nodejs/bin/node"]');
  const r = podman([
    'run',
    '--rm',
    '--network=none',
    ref,
    '-e',
    'console.log(process.version, process.getuid())',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^v24\.\d+\.\d+ 65532\n$/);
});

for (const cmd of ['thv', 'thv-registry-api', 'operator']) {
  test(`${cmd} from the image: --help prints usage and --version prints ${VERSION}`, () => {
    for (const flag of ['--help', '--version']) {
      const r = podman([
        'run',
        '--rm',
        '--network=none',
        ...RESTRICTED,
        image(),
        `dist/src/bin/${cmd}.js`,
        flag,
      ]);
      assert.equal(r.code, 0, `${cmd} ${flag} exited ${r.code}: ${r.stdout}${r.stderr}`);
      if (flag === '--help') assert.match(r.stdout, /Usage:/i);
      else assert.match(r.stdout.trim(), new RegExp(`(^|\\s)v?${VERSION.replace(/\./g, '\\.')}$`));
    }
  });
}

test('thv-registry-api from the image serves a mounted catalog and stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
    servers: Record<string, unknown>;
    remote_servers: Record<string, unknown>;
  };
  const count = Object.keys(expected.servers).length + Object.keys(expected.remote_servers).length;
  const c = started(
    run(
      ['--network=host', ...RESTRICTED, '--volume', `${FIXTURE}:/catalog/registry.json:ro`],
      [
        'dist/src/bin/thv-registry-api.js',
        'serve',
        '--from-file=/catalog/registry.json',
        `--address=127.0.0.1:${port}`,
        '--registry-name=smoke',
      ],
    ),
  );
  const info = await pollUntil(
    'the registry API in the container',
    async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/api/v1/registry/info`);
      return r.status === 200 ? (JSON.parse(r.body) as { name: string; serverCount: number }) : undefined;
    },
    120_000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${c.output()}`);
  });
  assert.equal(info.name, 'smoke');
  assert.equal(info.serverCount, count);
  const page = await httpGet(`http://127.0.0.1:${port}/v0.1/servers?limit=5`);
  assert.equal(page.status, 200);
  assert.equal((JSON.parse(page.body) as { servers: unknown[] }).servers.length, 5);
  // The catalog page comes from dist/ui, bundled by `npm run build` in the image's build stage (from
  // sources it is bundled in memory instead, so only the image exercises this path).
  const html = await httpGet(`http://127.0.0.1:${port}/`);
  assert.equal(html.status, 200, html.body);
  assert.match(html.body, /<html/i);
  const scripts = [...html.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1] as string);
  assert.ok(scripts.length > 0, 'the page loads its script');
  for (const src of scripts) {
    const js = await httpGet(`http://127.0.0.1:${port}${src}`);
    assert.equal(js.status, 200, src);
    assert.ok(js.body.length > 1000, `${src} is the bundle`);
  }
  assert.equal(await c.stop(), 0, c.output());
});

function kubectl(cp: ControlPlane, args: string[]): string {
  const r = kubectlAt(cp.kubeconfigPath, args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('the operator from the image, with a ServiceAccount token where the kubelet mounts it, bootstraps self-signed webhooks, leads, and is ready', async () => {
  const cp = await startControlPlane();
  planes.push(cp);
  kubectl(cp, ['apply', '-k', join(ROOT, 'manifests/overlays/self-signed')]);
  // What the kubelet projects into the pod: token, CA and namespace, readable by the pod's user.
  const sa = mkdtempSync(join(tmpdir(), 'mcpr-sa-'));
  chmodSync(sa, 0o755);
  const token = kubectl(cp, ['create', 'token', 'mcp-registry-operator', '-n', 'toolhive-system']).trim();
  writeFileSync(join(sa, 'token'), token, { mode: 0o600 });
  copyFileSync(join(cp.dir, 'pki/server-ca.crt'), join(sa, 'ca.crt'));
  writeFileSync(join(sa, 'namespace'), 'toolhive-system');
  for (const f of ['token', 'ca.crt', 'namespace']) chownSync(join(sa, f), UID, UID);
  const [healthPort, webhookPort] = [await freePort(), await freePort()];
  const op = started(
    run(
      [
        '--network=host',
        ...RESTRICTED,
        '--volume',
        `${sa}:/var/run/secrets/kubernetes.io/serviceaccount:ro`,
        '--env=KUBERNETES_SERVICE_HOST=127.0.0.1',
        `--env=KUBERNETES_SERVICE_PORT=${new URL(cp.server).port}`,
        '--env=POD_NAMESPACE=toolhive-system',
      ],
      [
        'dist/src/bin/operator.js',
        '--cert-dir=/tmp/k8s-webhook-server/serving-certs',
        `--health-address=127.0.0.1:${healthPort}`,
        '--webhook-host=127.0.0.1',
        `--webhook-port=${webhookPort}`,
        '--leader-elect=true',
        '--self-signed=true',
      ],
    ),
  );
  await pollUntil(
    'the operator in the container to report /readyz 200',
    async () => (await httpGet(`http://127.0.0.1:${healthPort}/readyz`)).status === 200,
    180_000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${op.output()}`);
  });
  assert.equal((await httpGet(`http://127.0.0.1:${healthPort}/healthz`)).status, 200);
  const holder = await pollUntil(
    'the Lease held',
    () =>
      kubectl(cp, [
        'get',
        'lease',
        'mcp-registry-operator-leader',
        '-n',
        'toolhive-system',
        '-o',
        'jsonpath={.spec.holderIdentity}',
      ]).trim() || undefined,
    60_000,
  );
  assert.ok(holder.length > 0);
  const caBundle = kubectl(cp, [
    'get',
    'validatingwebhookconfiguration',
    'mcp-registry-operator-validating',
    '-o',
    'jsonpath={.webhooks[0].clientConfig.caBundle}',
  ]);
  assert.match(Buffer.from(caBundle, 'base64').toString(), /BEGIN CERTIFICATE/);
  assert.equal(await op.stop(30), 0, op.output());
});

test('a kubeconfig the image’s user cannot read: the operator exits with a message naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-kc-'));
  chmodSync(dir, 0o755);
  // Written by root with mode 0600, as `kubectl config view --raw > file` under umask 077 does.
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n', { mode: 0o600 });
  const c = started(
    run(
      ['--network=none', ...RESTRICTED, '--volume', `${dir}:/config:ro`],
      // Controller only: it is the part that loads the kubeconfig first.
      ['dist/src/bin/operator.js', '--kubeconfig=/config/kubeconfig', '--enable-webhooks=false'],
    ),
  );
  const code = await c.exited;
  assert.notEqual(code, 0);
  assert.match(c.output(), /EACCES: permission denied, open '\/config\/kubeconfig'/);
});
