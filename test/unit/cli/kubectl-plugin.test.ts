/** `kubectl mcpregistry …` (the kubectl-mcpregistry plugin) is `thv registry …` under kubectl's names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';

async function exec(args: string[], plugin: boolean) {
  const io = memoryIO();
  const code = await run(plugin ? ['mcpregistry', ...args] : ['registry', ...args], io, plugin);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  version: string;
};

test('--version names the plugin, at the top and after a verb', async () => {
  assert.deepEqual(await exec(['--version'], true), {
    code: 0,
    stdout: `kubectl-mcpregistry ${version}\n`,
    stderr: '',
  });
  assert.equal((await exec(['list', '--version'], true)).stdout, `kubectl-mcpregistry ${version}\n`);
});

test('usage lines and usage errors read `kubectl mcpregistry`', async () => {
  const help = await exec(['list', '--help'], true);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: kubectl mcpregistry list\|ls \[options\]\n/);
  const unknown = await exec(['lst'], true);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, "error: unknown command 'lst'\n(Did you mean one of list, ls?)\n");
  assert.deepEqual(await exec(['lst'], false), unknown);
});

test('every verb of `thv registry` is a verb of the plugin, with the same options', async () => {
  const verbs = async (plugin: boolean) =>
    (await exec(['--help'], plugin)).stdout.replace(/^Usage: .*\n/, '');
  assert.equal(await verbs(true), await verbs(false));
  for (const verb of ['list', 'add', 'sync', 'info', 'remove', 'convert', 'validate', 'migrate']) {
    const options = (s: string) => s.slice(s.indexOf('Options:'));
    const viaPlugin = await exec([verb, '--help'], true);
    const viaThv = await exec([verb, '--help'], false);
    assert.equal(viaPlugin.code, 0, verb);
    assert.equal(options(viaPlugin.stdout), options(viaThv.stdout), verb);
  }
});

test('global flags work after the verb, as with thv (a missing kubeconfig named the same way)', async () => {
  const args = ['list', '--kubeconfig', '/nonexistent/kubeconfig'];
  const viaPlugin = await exec(args, true);
  assert.equal(viaPlugin.code, 1);
  assert.deepEqual(viaPlugin, await exec(args, false));
});
