/**
 * `thv registry manifest … --version V` pins a version (SPEC §11): the verb's own option. Commander
 * reads a root option anywhere on the line, so the root's --version used to print `thv 0.1.0` instead
 * (unless an option unknown to the root came first). Every other verb keeps --version as the root's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { productVersion } from '../../../src/config/version.ts';

async function exec(args: string[], plugin = false) {
  const io = memoryIO();
  const code = await run(args, io, plugin);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test('manifest --version is the version to pin, wherever it is on the line', async () => {
  // No cluster is needed to see the option reach the verb: without its value it is a usage error.
  for (const args of [
    ['registry', 'manifest', 'corp', 'fetch', '--version'],
    ['registry', 'manifest', '--version'],
  ])
    assert.deepEqual(await exec(args), {
      code: 2,
      stdout: '',
      stderr: "error: option '--version <version>' argument missing\n",
    });
  assert.deepEqual(await exec(['mcpregistry', 'manifest', 'corp', 'fetch', '--version'], true), {
    code: 2,
    stdout: '',
    stderr: "error: option '--version <version>' argument missing\n",
  });
});

test('elsewhere --version prints the version, at the top and after a verb', async () => {
  for (const args of [['--version'], ['registry', '--version'], ['registry', 'list', '--version']])
    assert.deepEqual(
      await exec(args),
      { code: 0, stdout: `thv ${productVersion()}\n`, stderr: '' },
      args.join(' '),
    );
});
