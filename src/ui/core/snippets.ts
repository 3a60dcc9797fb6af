/**
 * Shell and naming helpers of the detail view's snippets: the `thv run` command, quoting, and the key
 * a server gets in a client's configuration. The per-client configurations are install.ts.
 */

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
