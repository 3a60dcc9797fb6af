/** Which storage ConfigMap versions the controller may trust without reading their content. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedStorage } from '../../../src/controller/watch/storage-verified.ts';

test('only the remembered version of that registry and name is verified; forgetting is per name and per registry', () => {
  const v = new VerifiedStorage();
  assert.equal(v.verified('u1', 'r-registry-storage', '5'), false, 'nothing remembered (a restart)');
  v.remember('u1', 'r-registry-storage', '5');
  v.remember('u1', 'r-registry-storage-0', '4');
  assert.equal(v.verified('u1', 'r-registry-storage', '5'), true);
  // Someone else's write gives another version; a registry recreated under the name has another uid.
  assert.equal(v.verified('u1', 'r-registry-storage', '6'), false);
  assert.equal(v.verified('u2', 'r-registry-storage', '5'), false);
  assert.equal(v.verified('u1', 'r-registry-storage', undefined), false);
  v.remember('u1', 'r-registry-storage', '7');
  assert.equal(v.verified('u1', 'r-registry-storage', '5'), false, 'only the latest version');
  v.forget('u1', 'r-registry-storage');
  assert.equal(v.verified('u1', 'r-registry-storage', '7'), false);
  assert.equal(v.verified('u1', 'r-registry-storage-0', '4'), true);
  v.forgetRegistry('u1');
  assert.equal(v.verified('u1', 'r-registry-storage-0', '4'), false);
  // An empty uid (never controls anything) or version is never remembered.
  v.remember('', 'x', '1');
  v.remember('u3', 'x', undefined);
  assert.equal(v.verified('', 'x', '1'), false);
});
