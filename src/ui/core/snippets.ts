/**
 * Copy-paste snippets of the detail view: the `thv run` command, and an MCP client configuration in
 * the `mcpServers` shape most MCP clients read (Claude Desktop, Cursor, VS Code's `servers` is the same
 * object one level down). A remote server is configured by URL; a package by the command that starts
 * it from its registry (npx, uvx, docker); variables appear by name with their default or empty, never
 * with an invented value.
 */
import type { Detail, Variable } from './detail.ts';

/** POSIX-shell quoting only when needed: catalog names are usually plain. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9._/@:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function thvRunCommand(name: string): string {
  return `thv run ${shellQuote(name)}`;
}

/** The key in `mcpServers`: the last segment of the name (`io.github.x/fetch` → `fetch`). */
export function configKey(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1) || name;
}

const values = (vars: Variable[]): Record<string, string> =>
  Object.fromEntries(vars.map((v) => [v.name, v.default ?? '']));

export function mcpClientConfig(d: Detail): string {
  let entry: Record<string, unknown>;
  const remote = d.remotes[0];
  const pkg = d.packages[0];
  if (remote && (!pkg || d.transport === remote.type)) {
    entry = { type: remote.type === 'sse' ? 'sse' : 'http', url: remote.url };
    if (remote.headers.length) entry.headers = values(remote.headers);
  } else if (pkg) {
    const env = pkg.env.length ? pkg.env : d.env;
    const ver = pkg.version;
    if (pkg.registryType === 'npm')
      entry = {
        command: pkg.runtimeHint ?? 'npx',
        args: ['-y', ver ? `${pkg.identifier}@${ver}` : pkg.identifier],
      };
    else if (pkg.registryType === 'pypi')
      entry = {
        command: pkg.runtimeHint ?? 'uvx',
        args: [ver ? `${pkg.identifier}==${ver}` : pkg.identifier],
      };
    else
      entry = {
        command: 'docker',
        args: ['run', '-i', '--rm', ...env.flatMap((v) => ['-e', v.name]), pkg.identifier],
      };
    if (env.length) entry.env = values(env);
  } else {
    // Nothing to start it from but ToolHive itself.
    entry = { command: 'thv', args: ['run', '--foreground', d.name] };
  }
  return JSON.stringify({ mcpServers: { [configKey(d.name)]: entry } }, null, 2);
}
