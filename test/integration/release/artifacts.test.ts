/**
 * `npm run release` (scripts/release.ts): what dist/release/<version>/ holds, and that each artifact
 * is what it says: the sums check, the npm package is compiled JavaScript with the four commands,
 * the image archive is tagged with the version, the chart's appVersion is that tag and its image
 * repository a value, and the SBOM lists the production dependencies.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sha256File } from '../../../scripts/release/artifacts.ts';
import { NAME, packageVersion, releaseDir, releaseFiles } from '../../support/release.ts';
import { helm, parseObjects } from '../helm/chart.ts';

const version = packageVersion();
const files = releaseFiles(version);
let dir: string;
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};

before(() => {
  dir = releaseDir();
});

test('dist/release/<version>/ holds the npm package, the image archive, the chart, the SBOM and SHA256SUMS', () => {
  assert.match(dir, new RegExp(`/dist/release/${version.replace(/\./g, '\\.')}$`));
  assert.deepEqual(readdirSync(dir).sort(), Object.values(files).sort());
});

test('SHA256SUMS has one line per artifact and sha256sum -c accepts it', () => {
  const lines = readFileSync(join(dir, files.sums), 'utf8').trimEnd().split('\n');
  const named = Object.fromEntries(lines.map((l) => [l.slice(66), l.slice(0, 64)]));
  assert.deepEqual(
    Object.keys(named).sort(),
    Object.values(files)
      .filter((f) => f !== files.sums)
      .sort(),
  );
  for (const [file, sum] of Object.entries(named)) assert.equal(sum, sha256File(join(dir, file)), file);
  const r = spawnSync('sha256sum', ['-c', files.sums], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal((r.stdout.match(/: OK$/gm) ?? []).length, 4);
});

test('the npm package: compiled JavaScript, its JSON schemas and the catalog page, no TypeScript, no source maps; four commands', () => {
  const listed = execFileSync('tar', ['-tzf', join(dir, files.npm)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const shipped = listed.filter((f) => f.startsWith('package/dist/'));
  assert.ok(shipped.length > 50, `${shipped.length} files under dist/`);
  assert.deepEqual(
    shipped.filter((f) => !/^package\/dist\/(src\/.*\.(js|json)|ui\/[^/]+\.(js|css|html))$/.test(f)),
    [],
  );
  assert.deepEqual(listed.filter((f) => !f.startsWith('package/dist/')).sort(), [
    'package/README.md',
    'package/package.json',
  ]);
  const packed = JSON.parse(
    execFileSync('tar', ['-xzOf', join(dir, files.npm), 'package/package.json'], { encoding: 'utf8' }),
  ) as { bin: Record<string, string>; version: string; engines: { node: string } };
  assert.equal(packed.version, version);
  assert.deepEqual(Object.keys(packed.bin).sort(), [
    'kubectl-mcpregistry',
    'mcp-registry-operator',
    'thv',
    'thv-registry-api',
  ]);
  for (const [cmd, file] of Object.entries(packed.bin)) {
    assert.equal(file, `dist/src/bin/launch/${cmd}.js`);
    assert.ok(listed.includes(`package/${file}`), `${file} is in the package`);
  }
  assert.deepEqual(packed.engines, pkg.engines);
});

test('the image archive: one image, named by the release version, its version label the same', () => {
  const index = JSON.parse(
    execFileSync('tar', ['-xOf', join(dir, files.image), 'index.json'], { encoding: 'utf8' }),
  ) as { manifests: { annotations?: Record<string, string> }[] };
  assert.equal(index.manifests.length, 1);
  assert.equal(
    index.manifests[0]!.annotations?.['org.opencontainers.image.ref.name'],
    `localhost/${NAME}:${version}`,
  );
  const config = JSON.parse(
    execFileSync('skopeo', ['inspect', '--config', `oci-archive:${join(dir, files.image)}`], {
      encoding: 'utf8',
    }),
  ) as { config: { Labels: Record<string, string>; User: string; Cmd: string[] } };
  assert.equal(config.config.Labels['org.opencontainers.image.version'], version);
  assert.equal(config.config.User, '65532:65532');
  assert.deepEqual(config.config.Cmd, ['dist/src/bin/operator.js']);
});

test('the chart package: version and appVersion are the release version; the image repository is a value', () => {
  const chartFile = join(dir, files.chart);
  const shown = helm(['show', 'chart', chartFile]);
  assert.equal(shown.code, 0, shown.stderr);
  const chart = parse(shown.stdout) as { name: string; version: string; appVersion: string };
  assert.deepEqual([chart.name, chart.version, chart.appVersion], [NAME, version, version]);
  const mirror = 'registry.example.internal/mirror/mcp-registry-operator';
  const r = helm([
    'template',
    NAME,
    chartFile,
    '--namespace',
    'toolhive-system',
    '--set',
    `image.repository=${mirror}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const deploy = parseObjects(r.stdout).find((o) => o.kind === 'Deployment') as unknown as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  assert.equal(deploy.spec.template.spec.containers[0]!.image, `${mirror}:${version}`);
});

test('the SBOM: CycloneDX of the package and exactly its production dependencies’ pinned versions', () => {
  const bom = JSON.parse(readFileSync(join(dir, files.sbom), 'utf8')) as {
    bomFormat: string;
    metadata: { component: { name: string; version: string } };
    components: { name: string; version: string; group?: string }[];
  };
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.deepEqual([bom.metadata.component.name, bom.metadata.component.version], [NAME, version]);
  const names = new Map(bom.components.map((c) => [c.group ? `${c.group}/${c.name}` : c.name, c.version]));
  for (const [dep, pinned] of Object.entries(pkg.dependencies)) assert.equal(names.get(dep), pinned, dep);
  for (const dev of ['typescript', 'eslint', 'esbuild', 'node'])
    assert.equal(names.has(dev), false, `${dev} (a devDependency) is not in the SBOM`);
});
