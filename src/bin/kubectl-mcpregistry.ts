#!/usr/bin/env node
/**
 * `kubectl-mcpregistry`: the kubectl plugin (`kubectl mcpregistry <verb>`, found on PATH by kubectl).
 * The same verbs and flags as `thv registry`: `kubectl mcpregistry list` is `thv registry list`.
 */
import { run } from '../cli/main.ts';
import { processIO } from '../cli/io.ts';

process.exitCode = await run(['mcpregistry', ...process.argv.slice(2)], processIO(), true);
