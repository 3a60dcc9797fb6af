/**
 * The product version every binary reports with --version: package.json's, found by walking up from
 * this file (src/config in a checkout, dist/src/config in the image, which carries package.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE = 'mcp-registry-operator';

export function productVersion(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return '0.0.0-unknown';
  }
}
