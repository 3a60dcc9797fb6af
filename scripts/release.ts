/**
 * `npm run release`: writes dist/release/<version>/ (version = package.json's): the npm package, the
 * image as an OCI archive tagged with the version, the Helm chart package (appVersion = image tag),
 * a CycloneDX SBOM, and SHA256SUMS. See docs/install.md for what each is and how to publish them.
 *
 * The image is built like `npm run image` (scripts/image.sh); MCPR_IMAGE_REAL_BASES=1 builds it on
 * the Dockerfile's real base images, as a release for users should be. MCPR_IMAGE=<ref> takes an
 * image built already (the test scripts pass the one they built).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  chartPackage,
  imageArchive,
  npmPackage,
  packageVersion,
  sbom,
  sums,
} from './release/artifacts.ts';

const version = packageVersion();
const out = join(ROOT, 'dist/release', version);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const step = (what: string, make: () => string) => {
  const start = Date.now();
  process.stderr.write(`== ${what}\n`);
  const file = make();
  process.stderr.write(`   ${file} (${((Date.now() - start) / 1000).toFixed(0)} s)\n`);
};
step('npm package (npm run build, npm pack)', () => npmPackage(out, version));
step('SBOM (npm sbom, CycloneDX)', () => sbom(out, version));
step('image (scripts/image.sh, podman save --format oci-archive)', () =>
  imageArchive(out, version, process.env.MCPR_IMAGE || undefined),
);
step('Helm chart (helm package)', () => chartPackage(out, version));
step('SHA256SUMS', () => sums(out));
process.stdout.write(`${out}\n`);
