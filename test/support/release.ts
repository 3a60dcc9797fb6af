/**
 * The release for tests: `npm run release`'s directory (MCPR_RELEASE_DIR from the test scripts, else
 * made once here by scripts/release.ts), and publishing it to an OCI registry the way
 * docs/install.md tells a user to mirror it: skopeo copies the image archive, `helm push` the chart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NAME, packageVersion, releaseFiles } from '../../scripts/release/artifacts.ts';
import { helm } from '../integration/helm/chart.ts';
import type { OciRegistry } from './oci-registry.ts';

const ROOT = resolve(import.meta.dirname, '../..');

let made: string | undefined;
export function releaseDir(): string {
  made ??=
    process.env.MCPR_RELEASE_DIR ||
    execFileSync(process.execPath, [join(ROOT, 'scripts/release.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 1_500_000,
    })
      .trim()
      .split('\n')
      .pop()!;
  return made;
}

export { NAME, packageVersion, releaseFiles };

/**
 * `npm install --global` of a release's npm tarball into `prefix`, run from `cwd` (a directory outside
 * the checkout, as a user would), with `env` if given; npm's output only on failure.
 */
export function installNpmRelease(
  prefix: string,
  tarball: string,
  cwd: string,
  env?: NodeJS.ProcessEnv,
): void {
  execFileSync(
    'npm',
    ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
    { cwd, stdio: ['ignore', 'ignore', 'pipe'], ...(env && { env }), timeout: 600_000 },
  );
}

export interface Published {
  /** <host>/mcp-registry-operator:<tag> */
  image: string;
  /** oci://<host>/charts/mcp-registry-operator (with --version <tag>) */
  chart: string;
  tag: string;
}

function ok(r: { code: number; stdout: string; stderr: string }, what: string): string {
  if (r.code !== 0) throw new Error(`${what}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * Pushes the release in dir to the registry. With a tag other than the release's version (a second
 * version for an upgrade), the same image goes under that tag and the chart is packaged again from
 * the release's chart package with version and appVersion set to it, as `npm run release` would.
 */
export function publish(reg: OciRegistry, dir: string, tag = packageVersion()): Published {
  const version = packageVersion();
  const files = releaseFiles(version);
  const image = `${reg.host}/${NAME}:${tag}`;
  execFileSync(
    'skopeo',
    [
      'copy',
      '--quiet',
      '--dest-cert-dir',
      reg.certDir,
      `oci-archive:${join(dir, files.image)}`,
      `docker://${image}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
  );
  let chartFile = join(dir, files.chart);
  const tmp = mkdtempSync(join(tmpdir(), 'mcpr-publish-'));
  try {
    if (tag !== version) {
      execFileSync('tar', ['-xzf', chartFile, '-C', tmp]);
      ok(
        helm(['package', join(tmp, NAME), '--version', tag, '--app-version', tag, '-d', tmp]),
        'helm package',
      );
      chartFile = join(tmp, `${NAME}-${tag}.tgz`);
    }
    ok(helm(['push', chartFile, `oci://${reg.host}/charts`, '--ca-file', reg.caFile]), 'helm push');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { image, chart: `oci://${reg.host}/charts/${NAME}`, tag };
}
