/**
 * Static checks of what we ship: the Dockerfile (non-root numeric user, distroless final stage with
 * production dependencies only), that the commands the manifests and package.json name exist in the
 * built output and run, that every kustomization renders, that RBAC has no wildcards, and that
 * docs/configuration.md documents every operator setting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONFIG_ENV_VARS } from '../../../src/config/operator-config.ts';
import { desiredApiObjects } from '../../../src/controller/workload/api-workload.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function stages(dockerfile: string): { from: string; lines: string[] }[] {
  const out: { from: string; lines: string[] }[] = [];
  for (const line of dockerfile.split('\n').map((l) => l.trim())) {
    if (/^FROM\s/i.test(line)) out.push({ from: line, lines: [] });
    else if (line && !line.startsWith('#')) out.at(-1)?.lines.push(line);
  }
  return out;
}

test('Dockerfile: multi-stage, Node 24, distroless final stage, non-root numeric user, production dependencies only', () => {
  const s = stages(read('Dockerfile'));
  assert.ok(s.length >= 3, 'multi-stage');
  assert.match(read('Dockerfile'), /ARG NODE_VERSION=24/);
  const final = s.at(-1)!;
  // The bases are build arguments (npm run image passes local stand-ins); their defaults are the real ones.
  const args = new Map(
    [...read('Dockerfile').matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const),
  );
  const resolveArgs = (line: string): string =>
    line.replace(/\$\{(\w+)\}/g, (_, name: string) => resolveArgs(args.get(name) ?? ''));
  assert.equal(resolveArgs(final.from), 'FROM gcr.io/distroless/nodejs24-debian12:nonroot');
  assert.equal(resolveArgs(s[0]!.from), 'FROM node:24-bookworm-slim AS build');
  const user = final.lines.find((l) => l.startsWith('USER'));
  assert.match(user ?? '', /^USER \d+:\d+$/);
  assert.ok(!final.lines.some((l) => /^RUN\s/.test(l)), 'the final stage runs nothing (no shell there)');
  const copies = final.lines.filter((l) => l.startsWith('COPY'));
  const depsFrom = copies.find((l) => l.includes('node_modules'))?.match(/--from=(\S+)/)?.[1];
  const depsStage = s.find((st) => st.from.endsWith(` AS ${depsFrom}`));
  assert.ok(
    depsStage?.lines.some((l) => /npm ci .*--omit=dev/.test(l)),
    'node_modules come from an --omit=dev install',
  );
  assert.ok(existsSync(join(ROOT, '.dockerignore')));
  assert.match(read('.dockerignore'), /^node_modules$/m);
});

test('the built output holds every documented command, and they run with production dependencies', () => {
  const out = mkdtempSync(join(tmpdir(), 'mcpr-build-'));
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      join(out, 'dist'),
    ],
    { stdio: 'pipe' },
  );
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; type: string };
  const manifestsArgs = (
    parseAllDocuments(read('manifests/base/deployment.yaml'))[0]?.toJS() as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    }
  ).spec.template.spec.containers[0]!.args;
  const apiArgs = (
    desiredApiObjects(
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'r', namespace: 'n', uid: 'u' },
        spec: { sources: [{ name: 's', type: 'url', url: { href: 'https://x' } }] },
      },
      'img',
    ).find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    }
  ).spec.template.spec.containers[0]!.args;
  const paths = new Set([
    ...Object.values(pkg.bin),
    manifestsArgs[0]!,
    apiArgs[0]!,
    'dist/src/bin/operator.js',
  ]);
  for (const p of paths) assert.ok(existsSync(join(out, p)), `${p} is not in the build output`);
  // package.json "type": "module" must travel with dist for Node to load it as ESM.
  execFileSync('cp', [join(ROOT, 'package.json'), join(out, 'package.json')]);
  const help = spawnSync(
    process.execPath,
    [join(out, 'dist/src/bin/thv-registry-api.js'), 'serve', '--help'],
    { encoding: 'utf8' },
  );
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--from-configmap <name>/);
  const thv = spawnSync(process.execPath, [join(out, 'dist/src/bin/thv.js'), 'registry', '--help'], {
    encoding: 'utf8',
  });
  assert.equal(thv.status, 0, thv.stderr);
  const op = spawnSync(process.execPath, [join(out, 'dist/src/bin/operator.js'), '--log-level=loud'], {
    encoding: 'utf8',
  });
  assert.equal(op.status, 2);
  assert.match(op.stderr, /--log-level: unsupported value "loud"/);
  // Nothing in the runtime code imports a devDependency.
  const dev = Object.keys(
    (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }).devDependencies,
  );
  const grep = spawnSync(
    'grep',
    ['-rlE', `from '(${dev.map((d) => d.replace(/[/.]/g, '\\$&')).join('|')})['/]`, join(out, 'dist/src')],
    { encoding: 'utf8' },
  );
  assert.equal(grep.stdout.trim(), '', 'runtime code imports a devDependency');
});

test('every kustomization renders, and no RBAC rule uses a wildcard', () => {
  for (const dir of [
    'manifests/base',
    'manifests/overlays/cert-manager',
    'manifests/overlays/self-signed',
    'webhooks',
    'certs',
    'crds',
    'samples',
  ]) {
    const r = spawnSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${dir}: ${r.stderr}`);
    for (const doc of parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as { kind?: string; rules?: Record<string, string[]>[] },
    )) {
      for (const rule of doc.rules ?? [])
        for (const [k, v] of Object.entries(rule))
          assert.ok(!v.includes('*'), `${dir}: ${doc.kind} has * in ${k}`);
    }
  }
});

test('docs/configuration.md documents every operator flag and environment variable', () => {
  const doc = read('docs/configuration.md');
  for (const [flag, env] of Object.entries(CONFIG_ENV_VARS)) {
    assert.ok(doc.includes(`\`--${flag}\``), `--${flag} is undocumented`);
    assert.ok(doc.includes(`\`${env}\``), `${env} is undocumented`);
  }
});
