/**
 * Per-client install panels of the detail view (SPEC §14 "Browsers and IDEs"): VS Code, Claude Code,
 * Cursor, Claude Desktop and ToolHive, each in the shape that client reads, for one way of running
 * the server (a remote, or a package from npm, PyPI or an OCI registry: the entry may offer several).
 *
 * Only required variables appear. A value the catalog gives (a default) is written out; any other
 * required value is a placeholder the client resolves or the user must replace: VS Code prompts
 * (`${input:…}`, as a password for a secret), Cursor reads the environment (`${env:…}`), shells
 * expand `"$NAME"`, and Claude Desktop, which interpolates nothing, gets `<NAME>`. A secret is never
 * an empty string: a config that looks complete but sends an empty token fails far from its cause.
 */
import type { Detail, Package, Remote, Variable } from './detail.ts';
import { configKey, shellQuote } from './snippets.ts';

export type InstallSource = { kind: 'remote'; remote: Remote } | { kind: 'package'; pkg: Package };

export interface InstallChoice {
  id: string;
  label: string;
  source: InstallSource;
}

export interface InstallPanel {
  id: 'vscode' | 'claude-code' | 'cursor' | 'claude-desktop' | 'toolhive';
  label: string;
  /** Where the snippet goes (a file, a terminal). */
  where: string;
  text: string;
  /** A link that installs it in one click (VS Code's URL handler). */
  link?: { href: string; label: string };
}

const PACKAGE_LABEL: Record<string, string> = { npm: 'npm', pypi: 'PyPI', oci: 'OCI image' };

/** Every way the entry can be run: its remotes first, then its packages, in the data's order. */
export function installChoices(d: Detail): InstallChoice[] {
  return [
    ...d.remotes.map((remote, i) => ({
      id: `remote-${i}`,
      label: `Remote (${remote.type}) ${remote.url}`,
      source: { kind: 'remote' as const, remote },
    })),
    ...d.packages.map((pkg, i) => ({
      id: `package-${i}`,
      label: `${PACKAGE_LABEL[pkg.registryType] ?? pkg.registryType}: ${pkg.identifier}${pkg.version ? ` ${pkg.version}` : ''}`,
      source: { kind: 'package' as const, pkg },
    })),
  ];
}

/** How an unresolved required value is written for one client. */
type Placeholder = (v: Variable) => string;

interface Command {
  command: string;
  args: string[];
  /** Required variables only, as placeholders or their defaults. */
  env: Record<string, string>;
}

const required = (vars: readonly Variable[]) => vars.filter((v) => v.required);
const valued = (vars: readonly Variable[], ph: Placeholder): Record<string, string> =>
  Object.fromEntries(required(vars).map((v) => [v.name, v.default ?? ph(v)]));

/** The command that starts a package locally (npx, uvx, docker run). */
function packageCommand(d: Detail, pkg: Package, ph: Placeholder): Command {
  const env = valued(pkg.env.length ? pkg.env : d.env, ph);
  const ver = pkg.version;
  if (pkg.registryType === 'npm')
    return {
      command: pkg.runtimeHint ?? 'npx',
      args: ['-y', ver ? `${pkg.identifier}@${ver}` : pkg.identifier],
      env,
    };
  if (pkg.registryType === 'pypi')
    return {
      command: pkg.runtimeHint ?? 'uvx',
      args: [ver ? `${pkg.identifier}==${ver}` : pkg.identifier],
      env,
    };
  const names = Object.keys(env).flatMap((n) => ['-e', n]);
  return { command: 'docker', args: ['run', '-i', '--rm', ...names, pkg.identifier], env };
}

const inputId = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function vscode(d: Detail, s: InstallSource): InstallPanel {
  const inputs = required(varsOf(d, s))
    .filter((v) => v.default === undefined)
    .map((v) => ({
      type: 'promptString',
      id: inputId(v.name),
      description: v.description ?? v.name,
      ...(v.secret && { password: true }),
    }));
  const ph: Placeholder = (v) => `\${input:${inputId(v.name)}}`;
  let server: Record<string, unknown>;
  if (s.kind === 'remote') {
    server = { type: s.remote.type === 'sse' ? 'sse' : 'http', url: s.remote.url };
    const headers = valued(s.remote.headers, ph);
    if (Object.keys(headers).length) server.headers = headers;
  } else {
    const c = packageCommand(d, s.pkg, ph);
    server = { type: 'stdio', command: c.command, args: c.args };
    if (Object.keys(c.env).length) server.env = c.env;
  }
  const key = configKey(d.name);
  const file = { ...(inputs.length && { inputs }), servers: { [key]: server } };
  const install = { name: key, ...server, ...(inputs.length && { inputs }) };
  return {
    id: 'vscode',
    label: 'VS Code',
    where: '.vscode/mcp.json (or the user configuration: MCP: Open User Configuration)',
    text: JSON.stringify(file, null, 2),
    link: {
      href: `vscode:mcp/install?${encodeURIComponent(JSON.stringify(install))}`,
      label: 'Install in VS Code',
    },
  };
}

/** A name the shell can expand as `$NAME`; any other (`X-API-Key`, or hostile catalog data) cannot. */
const SHELL_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const shellVar: Placeholder = (v) => `$${v.name}`;
/**
 * `NAME="$NAME"`-style arguments: the shell expands a placeholder, a default is quoted as it is. Only a
 * valid variable name goes between double quotes (where `$(…)` and backquotes still run): any other
 * name is written single-quoted with a `<NAME>` to replace, so catalog data never runs in the shell.
 */
const shellPair = (v: Variable, sep = '=') =>
  v.default !== undefined
    ? shellQuote(`${v.name}${sep}${v.default}`)
    : SHELL_VARIABLE.test(v.name)
      ? `"${v.name}${sep}${shellVar(v)}"`
      : shellQuote(`${v.name}${sep}<${v.name}>`);

function claudeCode(d: Detail, s: InstallSource): InstallPanel {
  const key = shellQuote(configKey(d.name));
  let text: string;
  if (s.kind === 'remote') {
    const transport = s.remote.type === 'sse' ? 'sse' : 'http';
    const headers = required(s.remote.headers).map((v) => `--header ${shellPair(v, ': ')}`);
    text = ['claude mcp add --transport', transport, key, shellQuote(s.remote.url), ...headers].join(' ');
  } else {
    const c = packageCommand(d, s.pkg, shellVar);
    const env = required(varsOf(d, s)).map((v) => `--env ${shellPair(v)}`);
    text = ['claude mcp add', key, ...env, '--', c.command, ...c.args.map(shellQuote)].join(' ');
  }
  return { id: 'claude-code', label: 'Claude Code', where: 'a terminal', text };
}

function cursor(d: Detail, s: InstallSource): InstallPanel {
  const ph: Placeholder = (v) => `\${env:${v.name}}`;
  let entry: Record<string, unknown>;
  if (s.kind === 'remote') {
    entry = { url: s.remote.url };
    const headers = valued(s.remote.headers, ph);
    if (Object.keys(headers).length) entry.headers = headers;
  } else {
    const c = packageCommand(d, s.pkg, ph);
    entry = { command: c.command, args: c.args, ...(Object.keys(c.env).length && { env: c.env }) };
  }
  return {
    id: 'cursor',
    label: 'Cursor',
    where: '~/.cursor/mcp.json (or .cursor/mcp.json in a project)',
    text: JSON.stringify({ mcpServers: { [configKey(d.name)]: entry } }, null, 2),
  };
}

function claudeDesktop(d: Detail, s: InstallSource): InstallPanel {
  const ph: Placeholder = (v) => `<${v.name}>`;
  let entry: Record<string, unknown>;
  if (s.kind === 'remote') {
    // Claude Desktop's configuration file starts local servers only: a remote goes through mcp-remote,
    // each header from an environment variable of the same name.
    const headers = required(s.remote.headers);
    entry = {
      command: 'npx',
      args: [
        '-y',
        'mcp-remote',
        s.remote.url,
        ...headers.flatMap((v) => ['--header', `${v.name}:\${${v.name}}`]),
      ],
      ...(headers.length && { env: valued(headers, ph) }),
    };
  } else {
    const c = packageCommand(d, s.pkg, ph);
    entry = { command: c.command, args: c.args, ...(Object.keys(c.env).length && { env: c.env }) };
  }
  return {
    id: 'claude-desktop',
    label: 'Claude Desktop',
    where: 'claude_desktop_config.json (Settings, Developer, Edit Config); replace each <NAME>',
    text: JSON.stringify({ mcpServers: { [configKey(d.name)]: entry } }, null, 2),
  };
}

const varsOf = (d: Detail, s: InstallSource | undefined): Variable[] =>
  !s ? d.env : s.kind === 'remote' ? s.remote.headers : s.pkg.env.length ? s.pkg.env : d.env;

function toolhive(d: Detail, vars: readonly Variable[], registryUrl: string): InstallPanel {
  const lines = [`thv config set-registry ${shellQuote(registryUrl)}`];
  const flags: string[] = [];
  for (const v of required(vars)) {
    if (v.secret && v.default === undefined) {
      lines.push(`thv secret set ${shellQuote(v.name)}`);
      flags.push(`--secret ${shellQuote(v.name)},target=${shellQuote(v.name)}`);
    } else flags.push(`-e ${shellPair(v)}`);
  }
  lines.push(['thv run', ...flags, shellQuote(d.name)].join(' '));
  return { id: 'toolhive', label: 'ToolHive', where: 'a terminal', text: lines.join('\n') };
}

/**
 * The panels for one choice. `registryUrl` is this registry's address as the browser sees it (what
 * `thv config set-registry` needs to find this catalog's names).
 */
export function installPanels(
  d: Detail,
  choice: InstallChoice | undefined,
  registryUrl: string,
): InstallPanel[] {
  // ToolHive runs the entry by its catalog name whatever it offers; nothing else can without a choice.
  const th = toolhive(d, varsOf(d, choice?.source), registryUrl);
  if (!choice) return [th];
  const s = choice.source;
  return [vscode(d, s), claudeCode(d, s), cursor(d, s), claudeDesktop(d, s), th];
}
