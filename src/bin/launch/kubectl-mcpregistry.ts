#!/usr/bin/env node
// The installed `kubectl-mcpregistry` command (package.json bin): the Node.js check, then the program (node-check.ts).
import { requireNode } from './node-check.ts';

requireNode('kubectl-mcpregistry');
await import('../kubectl-mcpregistry.ts');
