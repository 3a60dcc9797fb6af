#!/usr/bin/env node
// The installed `thv` command (package.json bin): the Node.js check, then the program (node-check.ts).
import { requireNode } from './node-check.ts';

requireNode('thv');
await import('../thv.ts');
