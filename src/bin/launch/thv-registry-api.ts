#!/usr/bin/env node
// The installed `thv-registry-api` command (package.json bin): the Node.js check, then the program (node-check.ts).
import { requireNode } from './node-check.ts';

requireNode('thv-registry-api');
await import('../thv-registry-api.ts');
