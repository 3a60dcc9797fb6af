/**
 * The fetchers refuse a registry API's address before connecting (SPEC §18, issue #26 residual (b)),
 * in-process with the real git: a literal IP in a git repository (git resolves nothing, so no lookup
 * runs) and in a url source. The address is a multicast one the policy allows here: the kernel refuses
 * a TCP connection to it without sending anything, so even a regression sends nothing off the machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../../src/admission/policy/policy.ts';
import { setRegistryApiAddresses, setSourcePolicy } from '../../../src/sources/destinations/destinations.ts';
import { fetchGit } from '../../../src/sources/git.ts';
import { DEFAULT_URL_OPTIONS, fetchUrl } from '../../../src/sources/url.ts';
import { LOOPBACK_POLICY_YAML } from '../../support/destinations.ts';

const POD = '239.1.2.3';
const REFUSAL = `"${POD}" reaches a registry's API by its address; name a registry by its Service (<name>-api.<namespace>.svc) or with registryRef, so that its owners' consent is checked`;
setSourcePolicy(parsePolicy(LOOPBACK_POLICY_YAML.replace('"::1/128"', `"::1/128", "${POD}/32"`)));
setRegistryApiAddresses((address) =>
  address === POD ? { namespace: 'victim', name: 'private' } : undefined,
);

test('git: a repository at a registry API pod address is refused before git runs', async () => {
  await assert.rejects(fetchGit({ repository: `https://${POD}:8080/r.git`, path: 'r.json' }, {}), {
    reason: 'DestinationRefused',
    message: `git: https://${POD}:8080/r.git: refused by the platform policy: ${REFUSAL}`,
  });
});

test('url: a document at a registry API pod address is refused before connecting', async () => {
  await assert.rejects(fetchUrl(`https://${POD}:8080/v0.1/servers`, { ...DEFAULT_URL_OPTIONS }), {
    reason: 'DestinationRefused',
    message: `https://${POD}:8080/v0.1/servers: refused by the platform policy: ${REFUSAL}`,
  });
});
