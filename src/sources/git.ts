/**
 * Git source through the machine's real git: a shallow clone of a branch or tag (or the remote's
 * default branch), or a shallow fetch of one commit. Credentials come from a Secret and reach git
 * through GIT_ASKPASS or GIT_SSH_COMMAND in a private temp dir — never in URLs, arguments or logs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { DEFAULT_GIT_PATH } from '../api/constants.ts';
import { SourceError } from './types.ts';

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
    try {
      if (spec.commit) {
        await git(['init', '-q', work], dir, env, timeoutMs);
        await git(['remote', 'add', 'origin', spec.repository], work, env, timeoutMs);
        await git(['fetch', '-q', '--depth', '1', 'origin', spec.commit], work, env, timeoutMs);
        await git(['checkout', '-q', 'FETCH_HEAD'], work, env, timeoutMs);
      } else {
        const ref = spec.branch ?? spec.tag;
        await git(
          [
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
    try {
      return await readFile(join(work, rel), 'utf8');
    } catch {
      throw new SourceError('GitPathNotFound', `git: ${rel} does not exist in ${spec.repository}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
