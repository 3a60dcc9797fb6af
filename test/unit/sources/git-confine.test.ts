/**
 * Git checkouts never read outside the repository (issue #12.9): real repositories over file://
 * with symlinks out of and inside the checkout. Git's own connections obey the destination rules
 * (#12.7): the check runs before git starts, so a refused URL needs no server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../../src/admission/policy/policy.ts';
import { setDestinationRules, setSourcePolicy } from '../../../src/sources/destinations/destinations.ts';
import { fetchGit } from '../../../src/sources/git.ts';
import { SourceError } from '../../../src/sources/types.ts';

const root = mkdtempSync(join(tmpdir(), 'mcpr-git-confine-'));
after(() => rmSync(root, { recursive: true, force: true }));

// These repositories are file:// ones, which the policy must allow (the controller judges every fetch).
setSourcePolicy(parsePolicy('allowFileGit: true\n'));

/** A repository with one commit holding `files` (symlinks as `{ link: target }`). */
function repo(name: string, files: Record<string, string | { link: string }>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
      stdio: 'pipe',
    });
  git('init', '-q', '-b', 'main');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    if (typeof content === 'string') writeFileSync(join(dir, path), content);
    else symlinkSync(content.link, join(dir, path));
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'x');
  return `file://${dir}`;
}

async function refused(p: Promise<string>): Promise<SourceError> {
  const e = await p.then(
    () => assert.fail('read'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof SourceError, String(e));
  return e;
}

test('a registry.json symlink to /etc/passwd is refused with a clear message', async () => {
  const url = repo('abs', { 'registry.json': { link: '/etc/passwd' } });
  const e = await refused(fetchGit({ repository: url }, {}));
  assert.equal(e.reason, 'GitPathOutsideRepository');
  assert.equal(
    e.message,
    `git: registry.json in ${url} is a symbolic link that leads outside the repository; refusing to read it`,
  );
});

test('a symlink to ../outside, and one through a linked directory, are refused too', async () => {
  writeFileSync(join(root, 'outside.json'), '{"servers":{}}');
  const url = repo('rel', {
    'registry.json': { link: '../outside.json' },
    'sub/link': { link: '../..' },
  });
  const e = await refused(fetchGit({ repository: url }, {}));
  assert.equal(e.reason, 'GitPathOutsideRepository');
  const d = await refused(fetchGit({ repository: url, path: 'sub/link/outside.json' }, {}));
  assert.equal(d.reason, 'GitPathOutsideRepository');
});

test('a symlink that stays inside the repository is followed', async () => {
  const url = repo('inside', { 'data/real.json': '{"ok":1}', 'registry.json': { link: 'data/real.json' } });
  assert.equal(await fetchGit({ repository: url }, {}), '{"ok":1}');
});

test('git destinations: a loopback repository is refused before git runs, in any notation', async () => {
  setDestinationRules(parsePolicy('').network);
  const cases: [string, string][] = [
    ['https://127.0.0.1:1/org/r.git', '127.0.0.1'],
    ['https://0x7f.1/org/r.git', '"0x7f.1" (127.0.0.1)'],
    ['git@2130706433:org/r.git', '"2130706433" (127.0.0.1)'],
    ['ssh://git@[::1]/org/r.git', '::1'],
  ];
  for (const [repository, shown] of cases) {
    const e = await refused(fetchGit({ repository }, {}));
    assert.equal(e.reason, 'DestinationRefused');
    assert.equal(
      e.message,
      `git: ${repository}: refused by the platform policy: ${shown} is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    );
  }
  const named = await refused(fetchGit({ repository: 'https://localhost:1/org/r.git' }, {}));
  assert.equal(named.reason, 'DestinationRefused');
  assert.match(
    named.message,
    /^git: https:\/\/localhost:1\/org\/r\.git: refused by the platform policy: "localhost" \((127\.0\.0\.1|::1)\) is a loopback address/,
  );
});
