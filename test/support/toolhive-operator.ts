/**
 * ToolHive's own operator for the end-to-end suite: its binaries (test/toolhive-operator/build.sh,
 * the Go module pinned there), its images (images.sh there: operator, proxy runner and an npm MCP
 * server, all built locally) and its module's directory, where its CRDs and Helm chart are read from
 * unchanged.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { toolBin } from './tool-bin.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MODULE = join(ROOT, 'test/toolhive-operator');

/** The directory holding thv-operator and thv-proxyrunner (MCPR_TOOLHIVE_OPERATOR_BIN_DIR or a build). */
export function toolhiveOperatorBinDir(): string {
  return toolBin('MCPR_TOOLHIVE_OPERATOR_BIN_DIR', 'test/toolhive-operator/build.sh');
}

/** The ToolHive module's source in the Go module cache (what build.sh compiled). */
export function toolhiveModuleDir(): { dir: string; version: string } {
  const out = execFileSync(
    'go',
    ['list', '-m', '-f', '{{.Dir}} {{.Version}}', 'github.com/stacklok/toolhive'],
    {
      cwd: MODULE,
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    },
  ).trim();
  const [dir = '', version = ''] = out.split(' ');
  return { dir, version };
}

export interface ToolhiveImages {
  /** @modelcontextprotocol/server-everything on Node: the MCP server the registry entry names. */
  mcpServer: string;
  operator: string;
  proxyRunner: string;
}

/** Builds (or finds by their stamps) the three images in podman's storage. */
export function toolhiveImages(binDir: string): ToolhiveImages {
  const refs = execFileSync('bash', [join(MODULE, 'images.sh'), binDir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n');
  const [mcpServer, operator, proxyRunner] = refs.slice(-3);
  if (!mcpServer || !operator || !proxyRunner) throw new Error(`images.sh printed ${refs.join(', ')}`);
  return { mcpServer, operator, proxyRunner };
}
