#!/usr/bin/env bash
# The three images test/e2e/toolhive-operator.ts runs on the node, built with podman (the project's
# configuration, scripts/image-env.sh) from local parts only, since no container registry is reachable:
#   localhost/mcpr-e2e/server-everything:<v>-<stamp>  @modelcontextprotocol/server-everything (npm) on Node
#   localhost/mcpr-e2e/thv-operator:<v>-<stamp>       ToolHive's operator (build.sh), laid out as its
#   localhost/mcpr-e2e/thv-proxyrunner:<v>-<stamp>    ko-built release images are: /ko-app/<cmd>, uid 65532
# The base is the distroless stand-in of scripts/image-standins.sh (no shell, CA bundle, nonroot);
# the MCP server is installed by npm in the build stand-in. Each image is tagged by a stamp of its
# inputs and skipped when present. Prints one reference a line, in that order.
# Usage: images.sh BIN-DIR   (the directory build.sh printed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:?usage: images.sh BIN-DIR}
source "$root/scripts/image-env.sh"
# The MCP server image's npm package, pinned (and what the registry entry in the e2e test names).
everything_version=2026.8.31
declare -A arg
while IFS='=' read -r k v; do arg[$k]=$v; done < <(bash "$root/scripts/image-standins.sh")
thv_version=$(cd "$here" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go list -m -f '{{.Version}}' github.com/stacklok/toolhive)

# build NAME TAG-INPUTS-HASH CONTEXT-SETUP-FUNCTION: builds localhost/mcpr-e2e/NAME:<version>-<stamp>.
build() {
  local name=$1 version=$2 stamp=$3 setup=$4 ref ctx
  ref="localhost/mcpr-e2e/$name:$version-$stamp"
  if ! podman image exists "$ref"; then
    echo "building $ref" >&2
    ctx=$(mktemp -d "$mcpr_image_work/thv-e2e.XXXXXX")
    "$setup" "$ctx"
    local start=$SECONDS
    podman build --pull=never --network=host --signature-policy="$mcpr_policy" -t "$ref" "$ctx" >&2
    echo "built $ref in $((SECONDS - start))s" >&2
    rm -rf "$ctx"
  fi
  echo "$ref"
}

go_image() {
  local cmd=$1 ctx=$2
  install -m 0755 "$bin/$cmd" "$ctx/$cmd"
  cat >"$ctx/Containerfile" <<CF
FROM ${arg[RUNTIME_IMAGE]}
COPY $cmd /ko-app/$cmd
ENV KO_DATA_PATH=/var/run/ko
USER 65532
ENTRYPOINT ["/ko-app/$cmd"]
CF
}
operator_ctx() { go_image thv-operator "$1"; }
proxyrunner_ctx() { go_image thv-proxyrunner "$1"; }
everything_ctx() {
  # Node as PID 1 ignores SIGTERM (no default action for init), so every Pod deletion would wait out
  # the 30 s grace period: exit on it as a server started by a shell would.
  echo "process.on('SIGTERM', () => process.exit(143));" >"$1/sigterm.mjs"
  cat >"$1/Containerfile" <<CF
FROM ${arg[BUILD_IMAGE]} AS build
RUN npm install --no-audit --no-fund --omit=dev --prefix /app @modelcontextprotocol/server-everything@$everything_version
FROM ${arg[RUNTIME_IMAGE]}
COPY --from=build /app /app
COPY sigterm.mjs /app/sigterm.mjs
ENTRYPOINT ["/nodejs/bin/node", "--import=/app/sigterm.mjs", "/app/node_modules/@modelcontextprotocol/server-everything/dist/index.js"]
CF
}

stamp_of() { { declare -f build "$1" go_image; echo "${arg[*]}"; shift; cat "$@"; } | sha256sum | cut -c1-12; }
build server-everything "$everything_version" "$(stamp_of everything_ctx /dev/null)" everything_ctx
build thv-operator "$thv_version" "$(stamp_of operator_ctx "$bin/thv-operator")" operator_ctx
build thv-proxyrunner "$thv_version" "$(stamp_of proxyrunner_ctx "$bin/thv-proxyrunner")" proxyrunner_ctx
