#!/usr/bin/env bash
# Installs schemathesis (PyPI) into a virtualenv in the cache, outside the repository, keyed by a stamp
# of what feeds it, so a warm machine skips the install. Prints the path of the `st` command.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
stamp=$(cat "$here/requirements.txt" "$0" <("$py" --version 2>&1) | sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-schemathesis/$stamp"
if [[ ! -x $out/bin/st ]]; then
  echo "installing schemathesis into $out (cold: ~1 min)" >&2
  rm -rf "$out.tmp"
  start=$(date +%s)
  "$py" -m venv "$out.tmp" >&2
  "$out.tmp/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  # The venv's scripts name their interpreter by absolute path: fix them for the final directory.
  grep -rlI --null "$out.tmp" "$out.tmp/bin" | xargs -0 -r sed -i "s|$out.tmp|$out|g"
  echo "installed in $(( $(date +%s) - start ))s" >&2
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out/bin/st"
