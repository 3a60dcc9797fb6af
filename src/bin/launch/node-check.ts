/**
 * The Node.js version check every installed command runs first. It lives apart from the programs
 * because their module graphs need Node 24 just to load (an older Node fails with a syntax or
 * module error that says nothing about the version): the launchers beside this file run the check,
 * then import the program. Nothing here may use syntax or APIs newer than Node 14.
 */

/** package.json's engines.node (a unit test keeps the two equal). */
export const MIN_NODE = '24.11.0';

function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split(/[.-]/)
    .slice(0, 3)
    .map((p) => Number.parseInt(p, 10) || 0);
}

export function nodeTooOld(version: string, min: string = MIN_NODE): boolean {
  const have = parts(version);
  const need = parts(min);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) !== (need[i] ?? 0)) return (have[i] ?? 0) < (need[i] ?? 0);
  }
  return false;
}

export function nodeTooOldMessage(program: string, version: string, execPath: string): string {
  return (
    `${program}: this needs Node.js ${MIN_NODE} or newer, but it was started by Node.js ${version} (${execPath}).\n` +
    `Install Node.js 24 (LTS) and put it first on PATH, or run it as: /path/to/node24/bin/node "$(command -v ${program})"\n`
  );
}

/** Exits with status 1 and the message above when the running Node.js is too old. */
export function requireNode(program: string): void {
  if (!nodeTooOld(process.versions.node)) return;
  process.stderr.write(nodeTooOldMessage(program, process.versions.node, process.execPath));
  process.exit(1);
}
