/**
 * The real thv-registry-api process with `--auth api-keys` and the other new auth flags: a key file laid
 * out as the kubelet mounts a Secret (files behind the `..data` symlink, swapped atomically on an edit,
 * test/support/atomic-writer.ts), rotated while the process runs: the new key works and the old one
 * stops without a restart. And every wrong combination of auth flags exits 2 with its message.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil } from '../../../src/local/poll.ts';
import { writeAtomically } from '../../support/atomic-writer.ts';
import { startApi, type ApiProcess } from '../ui/browser.ts';
import { FIXTURE } from '../ui/fixtures.ts';

const BIN = resolve(import.meta.dirname, '../../../src/bin/thv-registry-api.ts');
const dir = mkdtempSync(join(tmpdir(), 'mcpr-auth-flags-'));
const secret = join(dir, 'api-keys');
let api: ApiProcess;

before(async () => {
  writeAtomically(secret, { keys: 'first-key-0a1b\n' });
  api = await startApi(FIXTURE, [
    '--auth',
    'api-keys',
    '--api-keys-file',
    join(secret, 'keys'),
    '--api-keys-reload-seconds',
    '1',
  ]);
});
after(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const status = async (key: string) =>
  (await fetch(`${api.url}/v0.1/servers?limit=1`, { headers: { 'X-API-Key': key } })).status;

test('a key rotated through the Secret volume works, and the old one stops, without a restart', async () => {
  assert.equal(await status('first-key-0a1b'), 200);
  assert.equal(await status('second-key-9z8y'), 401);
  writeAtomically(secret, { keys: '# rotated\nsecond-key-9z8y\n' });
  await pollUntil(
    'the new key accepted',
    async () => ((await status('second-key-9z8y')) === 200 ? true : undefined),
    30_000,
  );
  assert.equal(await status('first-key-0a1b'), 401);
  const none = await fetch(`${api.url}/v0.1/servers`);
  assert.equal(
    none.headers.get('www-authenticate'),
    `Bearer realm="thv-registry-api", resource_metadata="${api.url}/.well-known/oauth-protected-resource"`,
  );
  const meta = (await (await fetch(`${api.url}/.well-known/oauth-protected-resource`)).json()) as Record<
    string,
    unknown
  >;
  assert.equal(meta.authorization_servers, undefined);
  assert.equal(meta.resource, api.url);
});

const usage: [string[], string][] = [
  [['--auth', 'api-keys'], '--auth api-keys needs --api-keys-file: the file of a mounted Secret key'],
  [
    ['--auth', 'oidc', '--oidc-audience', 'a'],
    '--auth oidc needs --oidc-issuer and at least one --oidc-audience',
  ],
  [
    ['--auth', 'oidc', '--oidc-issuer', 'https://sso.example.com'],
    '--auth oidc needs --oidc-issuer and at least one --oidc-audience',
  ],
  [['--oidc-issuer', 'https://sso.example.com'], '--oidc-issuer and --oidc-audience need --auth oidc'],
  [
    [
      '--auth',
      'oidc',
      '--oidc-issuer',
      'https://sso.example.com',
      '--oidc-audience',
      'a',
      '--oidc-clock-skew-seconds',
      '301',
    ],
    '--oidc-clock-skew-seconds "301": use a whole number from 0 to 300',
  ],
  [
    [
      '--auth',
      'oidc',
      '--oidc-issuer',
      'https://sso.example.com',
      '--oidc-audience',
      'a',
      '--destination-policy',
      '{"allowedCIDRs":["nope"]}',
    ],
    '--destination-policy: allowedCIDRs[0]: Invalid value: "nope": must be an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8',
  ],
  [
    ['--api-keys-file', '/dev/null', '--api-keys-reload-seconds', '-1'],
    '--api-keys-reload-seconds "-1": use a whole number from 0 to 3600',
  ],
];
for (const [flags, message] of usage)
  test(`thv-registry-api serve ${flags.join(' ')}: exit 2, "${message}"`, () => {
    const r = spawnSync(
      process.execPath,
      [BIN, 'serve', '--from-file', FIXTURE, '--address', '127.0.0.1:0', ...flags],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    assert.equal(r.stderr, `error: ${message}\n`);
    assert.equal(r.status, 2);
  });
