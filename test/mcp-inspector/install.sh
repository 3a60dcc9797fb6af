#!/usr/bin/env bash
# Installs the MCP Inspector (npm, pinned with its lock file here) into the cache, outside the
# repository, keyed by a stamp of what feeds it, so a warm machine skips the install. Only npm is
# contacted (--ignore-scripts: the CLI mode needs no install script; esbuild's is for the web UI).
# Prints the path of the `mcp-inspector` command (run it with node 24: it needs >= 22.19).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stamp=$(cat "$here/package.json" "$here/package-lock.json" "$0" | sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-mcp-inspector/$stamp"
if [[ ! -x $out/node_modules/.bin/mcp-inspector ]]; then
  echo "installing the MCP Inspector into $out (cold: ~30 s)" >&2
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  cp "$here/package.json" "$here/package-lock.json" "$out.tmp/"
  (cd "$out.tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out/node_modules/.bin/mcp-inspector"
