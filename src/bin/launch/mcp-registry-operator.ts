#!/usr/bin/env node
// The installed `mcp-registry-operator` command (package.json bin): the Node.js check, then the program (node-check.ts).
import { requireNode } from './node-check.ts';

requireNode('mcp-registry-operator');
await import('../operator.ts');
