#!/usr/bin/env node
/** `thv`: the MCPRegistry command line. See docs/cli.md. */
import { run } from '../cli/main.ts';
import { processIO } from '../cli/io.ts';

process.exitCode = await run(process.argv.slice(2), processIO());
