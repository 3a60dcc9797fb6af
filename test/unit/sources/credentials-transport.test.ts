/**
 * Credentials never go over plain http (SPEC §18), also for a registry admitted before the rule:
 * the fetch refuses before any Secret is read or any connection made, whatever the policy allows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchSource, SourceError } from '../../../src/sources/index.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import type { SourceV1beta1 } from '../../../src/api/types.ts';
import { allowLoopbackSources } from '../../support/destinations.ts';

allowLoopbackSources(); // plain http to loopback is allowed: only the credential rule refuses

// Never called: the refusal comes before any Secret is read.
const client = new Proxy(
  {},
  {
    get() {
      throw new Error('the Kubernetes client was used');
    },
  },
) as KubeClient;

const cases: [string, SourceV1beta1][] = [
  [
    'url headersSecretRef',
    { name: 's', type: 'url', url: { href: 'http://127.0.0.1:9/r.json', headersSecretRef: { name: 'h' } } },
  ],
  [
    'registry authSecretRef',
    {
      name: 's',
      type: 'registry',
      registry: { baseURL: 'http://127.0.0.1:9', authSecretRef: { name: 'a' } },
    },
  ],
  [
    'registry headersSecretRef',
    {
      name: 's',
      type: 'registry',
      registry: { baseURL: 'HTTP://127.0.0.1:9', headersSecretRef: { name: 'h' } },
    },
  ],
  [
    'git authSecretRef',
    { name: 's', type: 'git', git: { repository: 'http://127.0.0.1:9/r.git', authSecretRef: { name: 'g' } } },
  ],
];
for (const [name, source] of cases)
  test(`no credentials over plain http: ${name}`, async () => {
    await assert.rejects(
      fetchSource({ client, namespace: 't' }, source),
      (e: unknown) =>
        e instanceof SourceError &&
        e.reason === 'CredentialsOverHTTP' &&
        e.message ===
          'source s: credentials (authSecretRef, headersSecretRef) are never sent over plain http; use an https URL',
    );
  });
