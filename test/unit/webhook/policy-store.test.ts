import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { DEFAULT_POLICY } from '../../../src/admission/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { loadPolicyStore } from '../../../src/webhook/policy-store.ts';
import { writeAtomically } from '../../support/atomic-writer.ts';

const log = createLogger('silent');

async function until(what: string, fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('no file: the built-in policy, no problem', () => {
  const s = loadPolicyStore(undefined, log, new Registry());
  assert.equal(s.current(), DEFAULT_POLICY);
  assert.equal(s.problem(), undefined);
});

test('a bad file at start is fatal, naming the file and the problem', () => {
  const f = join(mkdtempSync(join(tmpdir(), 'mcpr-pol-')), 'policy.yaml');
  writeFileSync(f, 'minSyncInterval: soon\n');
  assert.throws(() => loadPolicyStore(f, log, new Registry()), {
    message: `policy file ${f}: minSyncInterval: Invalid value: "soon": time: invalid duration "soon"`,
  });
});

test('reload on a symlink flip; a bad file keeps the last good policy and says why; a fix clears it', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mcpr-pol-')), 'mount');
  writeAtomically(dir, { 'policy.yaml': 'minSyncInterval: 1m\n' });
  const metrics = new Registry();
  const s = loadPolicyStore(join(dir, 'policy.yaml'), log, metrics, 50);
  try {
    assert.equal(s.current().minSyncInterval, '1m');
    writeAtomically(dir, { 'policy.yaml': 'minSyncInterval: 2m\n' });
    await until('the new policy', () => s.current().minSyncInterval === '2m');

    writeAtomically(dir, { 'policy.yaml': 'minSyncInterval: 3m\nallowHTTP: maybe\n' });
    await until('the rejection', () => s.problem() !== undefined);
    assert.equal(s.current().minSyncInterval, '2m');
    assert.equal(
      s.problem(),
      `policy file ${join(dir, 'policy.yaml')} rejected, keeping the last good policy: allowHTTP: Invalid value: "maybe": must be true or false`,
    );
    const text = await metrics.metrics();
    assert.match(text, /^mcpr_policy_valid 0$/m);
    assert.match(text, /^mcpr_policy_reloads_total\{result="error"\} 1$/m);

    writeAtomically(dir, { 'policy.yaml': 'minSyncInterval: 4m\n' });
    await until('the fixed policy', () => s.current().minSyncInterval === '4m');
    assert.equal(s.problem(), undefined);
    assert.match(await metrics.metrics(), /^mcpr_policy_valid 1$/m);
  } finally {
    s.close();
  }
});
