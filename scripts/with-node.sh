#!/usr/bin/env bash
# Runs a command with the project's pinned Node 24 (the npm package `node`),
# installing dependencies first when node_modules is missing or stale. This is
# what lets `npm start` and `npm test` work on a machine that ships Node 20.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stamp=node_modules/.install-stamp
if [[ ! -x node_modules/.bin/node || ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "installing dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi
export PATH="$root/node_modules/.bin:$PATH"
exec "$@"
