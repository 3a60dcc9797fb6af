/** Shell completion of registry names, live from the cluster, in a real bash. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNamespace, kubeconfigPath } from '../../support/cluster.ts';
import { thv } from './thv.ts';

let ns: string;
before(async () => {
  ns = await createNamespace('cli-complete');
  for (const name of ['alpha', 'beta'])
    assert.equal((await thv(['registry', 'add', name, '-n', ns, '--configmap', 'c'])).code, 0);
});

test('registry names complete for sync, info and remove, honouring -n and --kubeconfig on the line', async () => {
  const script = (await thv(['completion', 'bash'], { kubeconfig: null })).stdout;
  // `thv` on PATH, as an installed package would put it.
  const bin = mkdtempSync(join(tmpdir(), 'thv-bin-'));
  writeFileSync(
    join(bin, 'thv'),
    `#!/bin/sh\nexec "${process.execPath}" "${resolve(import.meta.dirname, '../../../src/bin/thv.ts')}" "$@"\n`,
  );
  chmodSync(join(bin, 'thv'), 0o755);
  const complete = (line: string) => {
    const words = line.split(' ');
    const r = spawnSync(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _thv; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };
  const kc = kubeconfigPath();
  assert.deepEqual(
    complete(`thv --kubeconfig ${kc} registry info -n ${ns} `).filter((w) => !w.startsWith('-')),
    ['alpha', 'beta'],
  );
  assert.deepEqual(complete(`thv --kubeconfig ${kc} -n ${ns} registry sync b`), ['beta']);
  assert.deepEqual(complete(`thv registry remove --kubeconfig ${kc} --namespace ${ns} al`), ['alpha']);
});

test('fish: commands, flag values and live registry names, honouring -n and --kubeconfig on the line', async () => {
  const script = (await thv(['completion', 'fish'], { kubeconfig: null })).stdout;
  const bin = mkdtempSync(join(tmpdir(), 'thv-bin-'));
  writeFileSync(
    join(bin, 'thv'),
    `#!/bin/sh\nexec "${process.execPath}" "${resolve(import.meta.dirname, '../../../src/bin/thv.ts')}" "$@"\n`,
  );
  chmodSync(join(bin, 'thv'), 0o755);
  const file = join(bin, 'thv.fish');
  writeFileSync(file, script);
  // fish's own completion engine (complete -C), as at a prompt.
  const complete = (line: string) => {
    const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };
  const kc = kubeconfigPath();
  assert.deepEqual(complete('thv registry li'), ['list']);
  assert.deepEqual(complete('thv registry list -o '), ['json', 'name', 'table', 'wide', 'yaml']);
  assert.deepEqual(complete('thv ver'), ['version']);
  assert.deepEqual(
    complete(`thv --kubeconfig ${kc} registry info -n ${ns} `).filter((w) => !w.startsWith('-')),
    ['alpha', 'beta'],
  );
  assert.deepEqual(complete(`thv --kubeconfig ${kc} -n ${ns} registry sync b`), ['beta']);
});
