/**
 * git dials what was judged (SPEC §18 "One URL parser per URL", issue #26 item 3), with the real git,
 * curl and ssh: the repository's name is known only to a DNS server this test answers (the sources
 * resolve through it, MCPR_TEST_DNS_SERVER; git, curl and ssh would ask the system's resolver, which
 * does not know it). So a connection arriving proves the pin: http.curloptResolve for the host and the
 * explicit port curl dials, HostName for ssh.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import {
  startDns,
  startHostileHttp,
  type DnsServer,
  type HostileHttp,
} from '../../support/hostile-servers.ts';

let dns: DnsServer;
let web: HostileHttp;
let sshd: Server;
let sshPort = 0;
const banners: string[] = [];
let fetchGit: typeof import('../../../src/sources/git.ts').fetchGit;

before(async () => {
  dns = await startDns((name) => (name === 'pinned.test' ? ['127.0.0.1'] : []));
  // Read when the sources module loads: set first, import after.
  process.env.MCPR_TEST_DNS_SERVER = dns.address;
  ({ fetchGit } = await import('../../../src/sources/git.ts'));
  const { allowLoopbackSources } = await import('../../support/destinations.ts');
  allowLoopbackSources();
  web = await startHostileHttp('{"pinned":true}', () => ({}));
  sshd = createServer((s) => {
    s.once('data', (d: Buffer) => {
      banners.push(d.toString('latin1').split('\r\n')[0] ?? '');
      s.destroy();
    });
  });
  await new Promise<void>((r) => sshd.listen(0, '127.0.0.1', r));
  const a = sshd.address();
  sshPort = typeof a === 'object' && a ? a.port : 0;
});
after(() => {
  web.close();
  sshd.close();
  dns.close();
});

test('git over http: curl reaches a name only our resolver knows, through the pin on its explicit port', async () => {
  const text = await fetchGit({ repository: `http://pinned.test:${web.port}/good.git` }, {});
  assert.equal(text, '{"pinned":true}');
  assert.ok(web.requests.includes(`pinned.test:${web.port}/good.git/info/refs`));
});

test('git over ssh: ssh connects to the judged address (HostName), not to a second resolution', async () => {
  await assert.rejects(fetchGit({ repository: `ssh://git@pinned.test:${sshPort}/r.git` }, {}));
  assert.equal(banners.length, 1);
  assert.match(banners[0]!, /^SSH-2\.0-/);
});
