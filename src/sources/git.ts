/**
 * Git source through the machine's real git: a shallow clone of a branch or tag (or the remote's
 * default branch), or a shallow fetch of one commit. Credentials come from a Secret and reach git
 * through GIT_ASKPASS or GIT_SSH_COMMAND in a private temp dir — never in URLs, arguments or logs.
 */
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readFile, readlink, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, relative } from 'node:path';
import { DEFAULT_GIT_PATH } from '../api/constants.ts';
import { judgeDestination } from '../admission/source-rules/destination-policy.ts';
import { literalIp } from '../admission/policy/destinations.ts';
import {
  DESTINATION_REFUSED,
  destinationRefusal,
  resolveAll,
  sourcePolicy,
} from './destinations/destinations.ts';
import { SourceError } from './types.ts';

/** The largest registry document read from a checkout: the same ceiling as a URL source's body. */
export const MAX_GIT_DOCUMENT_BYTES = 64 * 1024 * 1024;

export interface GitSourceSpec {
  repository: string;
  branch?: string;
  tag?: string;
  commit?: string;
  path?: string;
}

export interface GitCredentials {
  username?: string;
  password?: string;
  sshPrivateKey?: string;
  knownHosts?: string;
}

function git(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stderr: String(stderr) }));
        else resolve(String(stdout));
      },
    );
  });
}

/**
 * Why git failed, as one of a few fixed sentences (SPEC §18): git's own text carries curl's (which
 * tells a closed port from an open one) and whatever the server chose to print (`remote error: ...`),
 * so none of it reaches status. Only a missing ref is told apart, from git's text, and that only
 * chooses between two fixed sentences.
 */
function gitFailure(e: unknown): { reason: string; text: string } {
  const stderr = String((e as { stderr?: string }).stderr ?? '');
  if (
    /not found in upstream|couldn't find remote ref|not our ref|unadvertised object|Remote branch .* not found/i.test(
      stderr,
    )
  )
    return { reason: 'GitRefNotFound', text: 'the repository has no such branch, tag or commit' };
  return {
    reason: 'GitFetchFailed',
    text: 'the repository could not be read (no connection, not a Git repository, access denied, or the server failed)',
  };
}

/**
 * The destination check of SPEC §8 and §18 for git, which resolves names itself: the platform policy
 * in force judges the repository (destination-policy.ts, the decision admission uses; its one parser
 * gives the host and port git will dial), then every address the host resolves to; git's HTTP
 * connections are pinned to exactly those addresses for that host and port (http.curloptResolve) and
 * ssh's to the first of them (HostName, with HostKeyAlias keeping the name for host keys), so a
 * second resolution cannot point elsewhere; no redirects are followed.
 */
async function destination(
  repository: string,
  type: string,
): Promise<{ args: string[]; sshOptions: string[] }> {
  const refuse = (why: string) =>
    new SourceError(DESTINATION_REFUSED, `git: ${repository}: refused by the platform policy: ${why}`);
  const query = { type, url: repository, role: 'repository' as const };
  const judged = judgeDestination(query, sourcePolicy());
  if (!judged.allowed) throw refuse(judged.refusals.map((r) => r.detail).join('; '));
  const t = judged.target;
  const noRedirects = ['-c', 'http.followRedirects=false', '-c', 'protocol.ext.allow=never'];
  if (!t || t.scheme === 'file') return { args: noRedirects, sshOptions: [] };
  if (literalIp(t.hostAsWritten)) {
    // Nothing to resolve, but the address may still be a registry API's (SPEC §18).
    const refused = destinationRefusal(query);
    if (refused) throw refuse(refused);
    return { args: noRedirects, sshOptions: [] };
  }
  let addrs: string[];
  try {
    addrs = await resolveAll(t.host);
  } catch {
    throw new SourceError('GitFetchFailed', `git: cannot get ${repository}: cannot resolve host ${t.host}`);
  }
  const refused = destinationRefusal(query, addrs);
  if (refused) throw refuse(refused);
  if (t.scheme === 'ssh')
    return {
      args: noRedirects,
      sshOptions: ['-o', `HostName=${addrs[0]}`, '-o', `HostKeyAlias=${t.host}`],
    };
  const pinned = addrs.map((a) => (a.includes(':') ? `[${a}]` : a)).join(',');
  // A fully qualified name is pinned with and without its root dot, however curl keys it.
  const names = [...new Set([t.hostAsWritten, t.hostAsWritten.replace(/\.$/, '')])];
  return {
    args: [...noRedirects, ...names.flatMap((n) => ['-c', `http.curloptResolve=${n}:${t.port}:${pinned}`])],
    sshOptions: [],
  };
}

/**
 * Resolves `rel` inside `root` one component at a time, following symbolic links by their text and
 * never by the filesystem, so nothing outside the checkout is ever touched: a link that is absolute
 * or climbs above the root ends the walk as "outside". The real filesystem is only asked about paths
 * already known to be inside.
 */
async function resolveInside(root: string, rel: string): Promise<string | 'outside' | 'missing'> {
  const parts = rel.split(/[\\/]/);
  let cur = root;
  let links = 0;
  while (parts.length > 0) {
    const p = parts.shift()!;
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (cur === root) return 'outside';
      cur = dirname(cur);
      continue;
    }
    const next = join(cur, p);
    let st;
    try {
      st = await lstat(next);
    } catch {
      return 'missing';
    }
    if (!st.isSymbolicLink()) {
      cur = next;
      continue;
    }
    if (++links > 40) return 'missing';
    const target = await readlink(next);
    if (isAbsolute(target)) return 'outside';
    parts.unshift(...target.split('/'));
  }
  return relative(root, cur).startsWith('..') ? 'outside' : cur;
}

/**
 * Reads the document from the checkout, confined to it (SPEC §8 "Git"): `registry.json -> /etc/passwd`
 * or `-> ../outside` is refused rather than read, and so is a path through a linked directory.
 */
async function readConfined(work: string, rel: string, repository: string): Promise<string> {
  const target = await resolveInside(work, rel);
  if (target === 'missing')
    throw new SourceError('GitPathNotFound', `git: ${rel} does not exist in ${repository}`);
  if (target === 'outside')
    throw new SourceError(
      'GitPathOutsideRepository',
      `git: ${rel} in ${repository} is a symbolic link that leads outside the repository; refusing to read it`,
    );
  const st = await stat(target);
  if (!st.isFile()) throw new SourceError('GitPathNotFound', `git: ${rel} in ${repository} is not a file`);
  if (st.size > MAX_GIT_DOCUMENT_BYTES)
    throw new SourceError(
      'ResponseTooLarge',
      `git: ${rel} in ${repository} is ${st.size} bytes, over the limit of ${MAX_GIT_DOCUMENT_BYTES} bytes`,
    );
  return readFile(target, 'utf8');
}

export async function fetchGit(
  spec: GitSourceSpec,
  creds: GitCredentials,
  opts: { type?: string; timeoutMs?: number } = {},
): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const guard = await destination(spec.repository, opts.type ?? 'git');
  const dir = await mkdtemp(join(tmpdir(), 'mcpr-git-'));
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    };
    if (creds.password !== undefined) {
      const askpass = join(dir, 'askpass.sh');
      await writeFile(
        askpass,
        '#!/bin/sh\ncase "$1" in Username*) printf %s "$MCPR_GIT_USERNAME";; *) printf %s "$MCPR_GIT_PASSWORD";; esac\n',
      );
      await chmod(askpass, 0o700);
      Object.assign(env, {
        GIT_ASKPASS: askpass,
        MCPR_GIT_USERNAME: creds.username ?? 'git',
        MCPR_GIT_PASSWORD: creds.password,
      });
    }
    const ssh = ['ssh', '-o', 'BatchMode=yes', ...guard.sshOptions];
    if (creds.sshPrivateKey !== undefined) {
      const key = join(dir, 'id');
      await writeFile(
        key,
        creds.sshPrivateKey.endsWith('\n') ? creds.sshPrivateKey : `${creds.sshPrivateKey}\n`,
        { mode: 0o600 },
      );
      ssh.push('-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=accept-new');
      if (creds.knownHosts !== undefined) {
        await writeFile(join(dir, 'known_hosts'), creds.knownHosts);
        ssh.push('-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`);
      }
    }
    env.GIT_SSH_COMMAND = ssh.join(' ');
    const work = join(dir, 'repo');
    const args = guard.args;
    // `--` before every positional argument: nothing a spec names is ever read as an option.
    try {
      if (spec.commit) {
        await git(['init', '-q', '--', work], dir, env, timeoutMs);
        await git(['remote', 'add', '--', 'origin', spec.repository], work, env, timeoutMs);
        await git(
          [...args, 'fetch', '-q', '--depth', '1', '--', 'origin', spec.commit],
          work,
          env,
          timeoutMs,
        );
        await git(['checkout', '-q', 'FETCH_HEAD', '--'], work, env, timeoutMs);
      } else {
        const ref = spec.branch ?? spec.tag;
        await git(
          [
            ...args,
            'clone',
            '-q',
            '--depth',
            '1',
            '--no-tags',
            ...(ref ? ['--branch', ref] : []),
            '--',
            spec.repository,
            work,
          ],
          dir,
          env,
          timeoutMs,
        );
      }
    } catch (e) {
      const what = spec.commit
        ? `commit ${spec.commit}`
        : spec.branch
          ? `branch ${spec.branch}`
          : spec.tag
            ? `tag ${spec.tag}`
            : 'the default branch';
      const failure = gitFailure(e);
      throw new SourceError(failure.reason, `git: cannot get ${what} of ${spec.repository}: ${failure.text}`);
    }
    const rel = normalize(spec.path ?? DEFAULT_GIT_PATH);
    if (rel.startsWith('..') || rel.startsWith('/'))
      throw new SourceError('GitPathInvalid', `git: path ${spec.path} leaves the repository`);
    return await readConfined(work, rel, spec.repository);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
