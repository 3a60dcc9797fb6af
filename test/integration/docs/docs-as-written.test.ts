/**
 * The README tour, the user guide and the CLI reference, run as written: every command of theirs, in
 * order, in one bash session per document (so `export` and `alias` carry over as they do for a
 * reader), against the real apiserver with a controller. Exit codes are the documented ones and every
 * output line a document shows must appear (ages and padding aside).
 *
 * The few commands that cannot run here are listed in NOT_HERE with the test that covers them instead.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { kubeconfigPath, kubectl } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { docScripts, normaliseOutput, type DocCommand } from '../../support/doc-commands.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Commands that need what this machine has not got, and where they are tested instead. */
const NOT_HERE: [RegExp, string][] = [
  [/^npm (start|test)\b/, 'the test run itself is `npm test`, and its stack is what `npm start` boots'],
  [/rollout status deploy\/mcp-registry-operator/, 'Pods need a node: test/integration/deploy, test/e2e'],
  [/^kubectl get crd mcpregistries/, 'the CRD is installed by the stack; test/integration/crd'],
  [/port-forward svc\//, 'Services need Pods: the local way right below it in the same document runs'],
  [/^curl localhost:8081\/v0\.1\/servers\?limit=10'?$|^curl 'localhost:8081\/v0\.1/, 'follows the port-forward'],
  [/^thv registry list -n team-a$/, 'sample output of a namespace the reader has; list is tested in test/integration/cli'],
];
/** The port-forward block's first curl is skipped with it; the local block's curl runs. */
const SKIP_AFTER_PORT_FORWARD = /^curl localhost:8081\/api\/v1\/registry\/info$/;

let ctrl: ControllerProcess;
let work: string;
let bin: string;

function cleanup() {
  for (const ns of ['default'])
    kubectl(['delete', 'mcpregistries.v1beta1.toolhive.stacklok.io', 'demo', 'bad', 'eager', '-n', ns, '--ignore-not-found', '--wait']);
  kubectl(['delete', 'configmap', 'demo-catalog', '-n', 'default', '--ignore-not-found']);
}

before(() => {
  kubectl(['delete', 'namespace', 'registries', '--ignore-not-found', '--wait']);
  cleanup();
  ctrl = startController({ kubeconfig: kubeconfigPath(), namespaces: ['default', 'registries'] });
  // A reader's checkout: the repository's files, and a .local/kubeconfig as `npm start` writes it.
  work = mkdtempSync(join(tmpdir(), 'docs-as-written-'));
  for (const f of ['src', 'node_modules', 'test', 'samples', 'package.json']) symlinkSync(join(ROOT, f), join(work, f));
  mkdirSync(join(work, '.local'));
  copyFileSync(kubeconfigPath(), join(work, '.local', 'kubeconfig'));
  // `thv` installed on the PATH, as `npm install -g` would put it.
  bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'thv'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}/src/bin/thv.ts" "$@"\n`, { mode: 0o755 });
});
after(async () => {
  await ctrl?.stop();
  cleanup();
  kubectl(['delete', 'namespace', 'registries', '--ignore-not-found', '--wait=false']);
});

interface Ran {
  cmd: DocCommand;
  code: number;
  out: string;
  skipped?: string;
}

/**
 * Between a reader's steps: what a reader has or waits for before the next one (a file of their own,
 * a registry that has synced, the catalog ConfigMap an example in the middle of a page assumes).
 */
const BEFORE: [RegExp, string][] = [
  [/internal-ca\.pem/, 'printf -- "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n" > internal-ca.pem; export TOKEN=t0ken'],
  [
    /^thv registry add demo --configmap demo-catalog --wait$/,
    'kubectl create configmap demo-catalog --from-file=registry.json=test/fixtures/toolhive-registry/registry-2025-10-22.json >/dev/null',
  ],
  [
    /^kubectl -n registries get mcpregistries/,
    'kubectl -n registries wait --for=jsonpath={.status.phase}=Ready mcpregistry/databases --timeout=90s >/dev/null',
  ],
];

/** An example in the middle of a page leaves nothing behind for the page's later steps. */
const AFTER: [RegExp, string][] = [
  [
    /^thv registry add demo --configmap demo-catalog --wait$/,
    'thv registry remove demo --wait >/dev/null 2>&1; kubectl delete configmap demo-catalog >/dev/null',
  ],
];

function runDocument(file: string): Ran[] {
  const cmds = docScripts(join(ROOT, file), file).flatMap((s) => s.commands);
  const out = mkdtempSync(join(tmpdir(), 'doc-out-'));
  const lines = ['shopt -s expand_aliases', `cd "${work}"`];
  const skipped = new Map<number, string>();
  let afterPortForward = false;
  cmds.forEach((c, i) => {
    const first = c.command.split('\n')[0]?.replace(/\s+#.*$/, '').trim() ?? '';
    const why = NOT_HERE.find(([re]) => re.test(first))?.[1];
    if (why || (afterPortForward && SKIP_AFTER_PORT_FORWARD.test(first))) {
      skipped.set(i, why ?? 'follows the port-forward');
      afterPortForward = afterPortForward || /port-forward/.test(first);
      return;
    }
    afterPortForward = false;
    for (const [re, setup] of BEFORE) if (re.test(first)) lines.push(setup);
    const server = /thv-registry-api\.ts serve/.test(first);
    if (server) {
      // A server runs until Ctrl-C: start it as written, in the background, and wait until it is ready
      // (its catalog loaded), as a reader would before the next command; listening comes first.
      lines.push(`{ ${c.command} & } >"${out}/${i}.out" 2>&1; echo $! >"${out}/server.pid"; echo 0 >"${out}/${i}.code"`);
      const port = /--address \S*:(\d+)/.exec(c.command)?.[1] ?? '8080';
      lines.push(`for t in $(seq 300); do curl -sf localhost:${port}/readyz >/dev/null && break; sleep 0.2; done`);
      return;
    }
    lines.push(`{ ${c.command}\n} >"${out}/${i}.out" 2>&1; echo $? >"${out}/${i}.code"`);
    for (const [re, teardown] of AFTER) if (re.test(first)) lines.push(teardown);
  });
  lines.push(`[ -f "${out}/server.pid" ] && kill $(cat "${out}/server.pid") 2>/dev/null; true`);
  const r = spawnSync('bash', ['-c', lines.join('\n')], {
    env: {
      ...process.env,
      KUBECONFIG: join(work, '.local', 'kubeconfig'),
      PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    },
    encoding: 'utf8',
    timeout: 600_000,
  });
  assert.equal(r.status, 0, `${file}: the session itself failed: ${r.stderr}`);
  return cmds.map((cmd, i) => {
    if (skipped.has(i)) return { cmd, code: 0, out: '', skipped: skipped.get(i) };
    return {
      cmd,
      code: Number(readFileSync(join(out, `${i}.code`), 'utf8').trim()),
      out: readFileSync(join(out, `${i}.out`), 'utf8'),
    };
  });
}

/** A documented failure shows its error as its output. */
function expectedExit(c: DocCommand): number {
  return c.exitCode || (/^(Error from server|error:)/.test(c.output ?? '') ? 1 : 0);
}

/** Progress lines of --wait depend on how fast the controller is; the rest must be there. */
const TIMING = /^(Pending|Syncing): /;

function check(results: Ran[]) {
  const ran = results.filter((r) => !r.skipped);
  assert.ok(ran.length > 0);
  for (const r of ran) {
    assert.equal(r.code, expectedExit(r.cmd), `${r.cmd.where}: ${r.cmd.command}\nexit ${r.code}:\n${r.out}`);
    if (!r.cmd.output) continue;
    const actual = normaliseOutput(r.out);
    for (const line of normaliseOutput(r.cmd.output).filter((l) => !TIMING.test(l)))
      assert.ok(actual.includes(line), `${r.cmd.where}: ${r.cmd.command}\nmissing line: ${line}\nin:\n${r.out}`);
  }
}

test('README: the two commands and the one-minute tour', () => {
  cleanup();
  check(runDocument('README.md'));
});

test('docs/user-guide.md: create a registry, watch it sync, use its API the local way', () => {
  const results = runDocument('docs/user-guide.md');
  check(results);
  const info = results.find(
    (r) => !r.skipped && r.cmd.command.startsWith('curl localhost:8081/api/v1/registry/info'),
  );
  assert.ok(info, 'the local-way curl ran');
  assert.match(info.out, /"name":"databases"/);
});

test('docs/cli.md: the tour and every $ example', () => {
  cleanup();
  check(runDocument('docs/cli.md'));
});
