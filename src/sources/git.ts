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
import { literalIp } from '../admission/destinations.ts';
import { rawHost } from '../admission/url.ts';
import { addressesRefusal, DESTINATION_REFUSED, literalRefusal, resolveAll } from './destinations.ts';
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

/** The first line of git's complaint, with anything URL-like that could carry secrets removed. */
function gitReason(e: unknown): string {
  const stderr = String((e as { stderr?: string }).stderr ?? (e as Error).message ?? e);
  const line =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^(fatal|error):/.test(l)) ??
    stderr.split('\n')[0] ??
    '';
  return line.replace(/\/\/[^/@\s]+@/g, '//');
}

const SCP_LIKE = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/\/)/;

/** Host, port and scheme a repository names; undefined for file:// and anything git reads locally. */
function gitTarget(repository: string): { host: string; port: string; http: boolean } | undefined {
  const scp = SCP_LIKE.exec(repository);
  if (scp) return { host: scp[1] ?? '', port: '22', http: false };
  let u: URL;
  try {
    u = new URL(repository);
  } catch {
    return undefined;
  }
  if (u.protocol === 'file:') return undefined;
  // The host as written (`0x7f.1` stays visible in messages); literalIp normalises it as a resolver would.
  const host = rawHost(repository) ?? u.hostname;
  const http = u.protocol === 'https:' || u.protocol === 'http:';
  return {
    host,
    port: u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '22'),
    http,
  };
}

/**
 * The destination check of SPEC §8 for git, which resolves names itself: judge the host (literal or
 * every resolved address) first, then pin git's HTTP connections to exactly the addresses judged
 * (http.curloptResolve), so a second resolution cannot point elsewhere, and follow no redirects.
 */
async function destinationArgs(repository: string): Promise<string[]> {
  const t = gitTarget(repository);
  if (!t) return [];
  const refuse = (why: string) =>
    new SourceError(DESTINATION_REFUSED, `git: ${repository}: refused by the platform policy: ${why}`);
  const literal = literalRefusal(t.host);
  if (literal) throw refuse(literal);
  const noRedirects = ['-c', 'http.followRedirects=false'];
  if (literalIp(t.host)) return noRedirects;
  let addrs: string[];
  try {
    addrs = await resolveAll(t.host);
  } catch {
    throw new SourceError('GitFetchFailed', `git: cannot get ${repository}: cannot resolve host ${t.host}`);
  }
  const refused = addressesRefusal(t.host, addrs);
  if (refused) throw refuse(refused);
  if (!t.http) return noRedirects;
  const pinned = addrs.map((a) => (a.includes(':') ? `[${a}]` : a)).join(',');
  return [...noRedirects, '-c', `http.curloptResolve=${t.host}:${t.port}:${pinned}`];
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
  timeoutMs = 120_000,
): Promise<string> {
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
    if (creds.sshPrivateKey !== undefined) {
      const key = join(dir, 'id');
      await writeFile(
        key,
        creds.sshPrivateKey.endsWith('\n') ? creds.sshPrivateKey : `${creds.sshPrivateKey}\n`,
        { mode: 0o600 },
      );
      let hostOpts = '-o StrictHostKeyChecking=accept-new';
      if (creds.knownHosts !== undefined) {
        await writeFile(join(dir, 'known_hosts'), creds.knownHosts);
        hostOpts = `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${join(dir, 'known_hosts')}`;
      }
      env.GIT_SSH_COMMAND = `ssh -i ${key} -o IdentitiesOnly=yes -o BatchMode=yes ${hostOpts}`;
    }
    const work = join(dir, 'repo');
    const guard = await destinationArgs(spec.repository);
    try {
      if (spec.commit) {
        await git(['init', '-q', work], dir, env, timeoutMs);
        await git(['remote', 'add', 'origin', spec.repository], work, env, timeoutMs);
        await git([...guard, 'fetch', '-q', '--depth', '1', 'origin', spec.commit], work, env, timeoutMs);
        await git(['checkout', '-q', 'FETCH_HEAD'], work, env, timeoutMs);
      } else {
        const ref = spec.branch ?? spec.tag;
        await git(
          [
            ...guard,
            'clone',
            '-q',
            '--depth',
            '1',
            '--no-tags',
            ...(ref ? ['--branch', ref] : []),
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
      const reason = gitReason(e);
      const missingRef =
        /not found in upstream|couldn't find remote ref|not our ref|unadvertised object|Remote branch .* not found/i.test(
          reason,
        );
      throw new SourceError(
        missingRef ? 'GitRefNotFound' : 'GitFetchFailed',
        `git: cannot get ${what} of ${spec.repository}: ${reason}`,
      );
    }
    const rel = normalize(spec.path ?? DEFAULT_GIT_PATH);
    if (rel.startsWith('..') || rel.startsWith('/'))
      throw new SourceError('GitPathInvalid', `git: path ${spec.path} leaves the repository`);
    return await readConfined(work, rel, spec.repository);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
