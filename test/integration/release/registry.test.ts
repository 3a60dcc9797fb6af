/**
 * The release published to a real OCI registry (CNCF Distribution, TLS from a CA made for the run):
 * skopeo copies the image archive, `helm push` the chart; what a cluster then pulls is the same
 * image (same manifest digest) and helm installs the chart by oci:// URL and version.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { startOciRegistry, type OciRegistry } from '../../support/oci-registry.ts';
import {
  NAME,
  packageVersion,
  publish,
  releaseDir,
  releaseFiles,
  type Published,
} from '../../support/release.ts';
import { helm, parseObjects } from '../helm/chart.ts';
import { join } from 'node:path';

const version = packageVersion();
let reg: OciRegistry;
let pub: Published;

before(async () => {
  reg = await startOciRegistry();
  pub = publish(reg, releaseDir());
});
after(async () => {
  await reg?.stop();
});

test('the image is in the registry under the release version, with the archive’s manifest digest', async () => {
  const tags = await reg.get(`/v2/${NAME}/tags/list`);
  assert.equal(tags.status, 200, tags.body);
  assert.deepEqual(JSON.parse(tags.body), { name: NAME, tags: [version] });
  const index = JSON.parse(
    execFileSync('tar', ['-xOf', join(releaseDir(), releaseFiles(version).image), 'index.json'], {
      encoding: 'utf8',
    }),
  ) as { manifests: { digest: string }[] };
  const inspected = JSON.parse(
    execFileSync('skopeo', ['inspect', '--cert-dir', reg.certDir, `docker://${pub.image}`], {
      encoding: 'utf8',
    }),
  ) as { Digest: string; Labels: Record<string, string> };
  assert.equal(inspected.Digest, index.manifests[0]!.digest);
  assert.equal(inspected.Labels['org.opencontainers.image.version'], version);
});

test('without the CA the registry is refused (TLS is verified, not skipped)', () => {
  const r = helm(['show', 'chart', pub.chart, '--version', version]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /certificate signed by unknown authority/);
});

test('helm reads the chart from oci:// by version and renders the operator image from the same registry', () => {
  const shown = helm(['show', 'chart', pub.chart, '--version', version, '--ca-file', reg.caFile]);
  assert.equal(shown.code, 0, shown.stderr);
  const chart = parse(shown.stdout) as { name: string; version: string; appVersion: string };
  assert.deepEqual([chart.name, chart.version, chart.appVersion], [NAME, version, version]);
  const r = helm([
    'template',
    NAME,
    pub.chart,
    '--version',
    version,
    '--ca-file',
    reg.caFile,
    '--namespace',
    'toolhive-system',
    '--set',
    `image.repository=${reg.host}/${NAME}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const deploy = parseObjects(r.stdout).find((o) => o.kind === 'Deployment') as unknown as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  assert.equal(deploy.spec.template.spec.containers[0]!.image, pub.image);
});
