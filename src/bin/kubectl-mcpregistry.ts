#!/usr/bin/env node
/**
 * `kubectl-mcpregistry`: the kubectl plugin (`kubectl mcpregistry <verb>`, found on PATH by kubectl).
 * The same verbs and flags as `thv registry`: `kubectl mcpregistry list` is `thv registry list`.
 */
import { run } from '../cli/main.ts';
import { processIO } from '../cli/io.ts';
import { productVersion } from '../config/version.ts';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`kubectl-mcpregistry ${productVersion()}\n`);
} else {
  process.exitCode = await run(['registry', ...argv], processIO());
}
