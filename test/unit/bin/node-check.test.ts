import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_NODE, nodeTooOld, nodeTooOldMessage } from '../../../src/bin/launch/node-check.ts';

test('MIN_NODE is package.json’s engines.node', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as {
    engines: { node: string };
  };
  assert.equal(pkg.engines.node, `>=${MIN_NODE}`);
});

test('nodeTooOld compares major, minor and patch numerically', () => {
  const cases: [string, boolean][] = [
    ['20.20.2', true],
    ['v20.20.2', true],
    ['22.99.99', true],
    ['24.10.9', true],
    ['24.11.0', false],
    ['24.11.1', false],
    ['24.21.0', false],
    ['25.0.0', false],
    ['24.11.0-pre', false],
    ['100.0.0', false],
    ['9.99.0', true],
  ];
  for (const [version, old] of cases) assert.equal(nodeTooOld(version, '24.11.0'), old, version);
});

test('the message names the program, both versions and the Node that ran it', () => {
  assert.equal(
    nodeTooOldMessage('thv', '20.20.2', '/usr/bin/node'),
    `thv: this needs Node.js ${MIN_NODE} or newer, but it was started by Node.js 20.20.2 (/usr/bin/node).\n` +
      'Install Node.js 24 (LTS) and put it first on PATH, or run it as: /path/to/node24/bin/node "$(command -v thv)"\n',
  );
});
