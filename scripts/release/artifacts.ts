/**
 * The release's artifacts, one function each, so `npm run release` (scripts/release.ts) and the
 * tests that publish a release (test/support/release.ts) make them the same way. Every tool is the
 * real one: npm (pack, sbom), podman (scripts/image.sh's build, `podman save`), helm
 * (test/helm/build.sh's build), sha256.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const NAME = 'mcp-registry-operator';
/** Where podman keeps the image under its release tag (the OCI archive names it by the tag). */
export const IMAGE_REPO = `localhost/${NAME}`;

/** The file names in dist/release/<version>/, by artifact. */
export function releaseFiles(version: string) {
  return {
    npm: `${NAME}-${version}.tgz`,
    chart: `${NAME}-helm-${version}.tgz`,
    image: `${NAME}-image-${version}.oci.tar`,
    sbom: `${NAME}-${version}.cdx.json`,
    sums: 'SHA256SUMS',
  };
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

/** `npm run build` from clean output folders (a removed source must not ship), then `npm pack`. */
export function npmPackage(out: string, version: string): string {
  rmSync(join(ROOT, 'dist/src'), { recursive: true, force: true });
  rmSync(join(ROOT, 'dist/ui'), { recursive: true, force: true });
  run('npm', ['run', 'build', '--silent']);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out])) as {
    filename: string;
  }[];
  const file = releaseFiles(version).npm;
  renameSync(join(out, packed[0]!.filename), join(out, file));
  return file;
}

/** The production dependency tree as CycloneDX, from the lock file (what `npm install` resolves). */
export function sbom(out: string, version: string): string {
  const file = releaseFiles(version).sbom;
  const bom = JSON.parse(
    run('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev', '--package-lock-only']),
  ) as { metadata: { component: { name: string } } };
  // From the lock file alone npm names the root component after the checkout's folder.
  bom.metadata.component.name = NAME;
  writeFileSync(join(out, file), JSON.stringify(bom, null, 2) + '\n');
  return file;
}

/** scripts/image.sh's build (cached by its inputs), tagged with the version and saved as an OCI archive. */
export function imageArchive(out: string, version: string, built?: string): string {
  const ref = built ?? lastLine(run('bash', ['scripts/image.sh']));
  const tagged = `${IMAGE_REPO}:${version}`;
  run('bash', ['scripts/image-podman.sh', 'tag', ref, tagged]);
  const file = releaseFiles(version).image;
  rmSync(join(out, file), { force: true });
  run('bash', [
    'scripts/image-podman.sh',
    'save',
    '--format',
    'oci-archive',
    '--output',
    join(out, file),
    tagged,
  ]);
  return file;
}

export function helmBin(): string {
  return process.env.MCPR_HELM_BIN || lastLine(run('bash', ['test/helm/build.sh']));
}

/** `helm package` with version and appVersion (the image tag the chart defaults to) set to the version. */
export function chartPackage(out: string, version: string, helm = helmBin()): string {
  const tmp = mkdtempSync(join(tmpdir(), 'mcpr-chart-'));
  try {
    run(helm, [
      'package',
      join(ROOT, 'charts', NAME),
      '--version',
      version,
      '--app-version',
      version,
      '-d',
      tmp,
    ]);
    const file = releaseFiles(version).chart;
    renameSync(join(tmp, `${NAME}-${version}.tgz`), join(out, file));
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** SHA256SUMS in sha256sum's format (`sha256sum -c SHA256SUMS` checks it), every other file in out. */
export function sums(out: string): string {
  const file = releaseFiles('').sums;
  const lines = readdirSync(out)
    .filter((f) => f !== file)
    .sort()
    .map((f) => `${sha256File(join(out, f))}  ${f}\n`);
  writeFileSync(join(out, file), lines.join(''));
  return file;
}
