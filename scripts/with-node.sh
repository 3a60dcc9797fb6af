#!/usr/bin/env bash
# Runs a command with the project's pinned Node 24 (the npm package `node`),
# installing dependencies first when node_modules is missing or stale. This is
# what lets `npm start` and `npm test` work on a machine that ships Node 20.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stamp=node_modules/.install-stamp
# The stamp holds the hash of the package-lock.json it was installed from: an mtime alone (a
# checkout, an editor saving the same bytes) used to reinstall, and npm ci deletes node_modules
# under every other process running from it.
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stale() {
  [[ ! -x node_modules/.bin/node || ! -f $stamp ]] && return 0
  local have
  have=$(cat "$stamp")
  # A stamp from before the hash was kept is empty: trust it unless the lock file is newer.
  [[ -z $have ]] && { [[ package-lock.json -nt $stamp ]] && return 0; echo "$want" >"$stamp"; return 1; }
  [[ $have != "$want" ]]
}
if stale; then
  # One installer at a time per checkout; the others wait and then find it done.
  exec 9>"/tmp/mcpr-npm-ci-$(echo "$root" | sha256sum | cut -c1-16).lock"
  flock 9
  if stale; then
    echo "installing dependencies (npm ci)…" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$want" >"$stamp"
  fi
  flock -u 9
fi
export PATH="$root/node_modules/.bin:$PATH"
exec "$@"
