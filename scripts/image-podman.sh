#!/usr/bin/env bash
# podman with the project's configuration (scripts/image-env.sh): the same storage, runtime and
# limits `npm run image` builds with. Used by the image smoke tests and the e2e suite; handy by hand:
#   bash scripts/image-podman.sh run --rm localhost/mcp-registry-operator:dev dist/src/bin/thv.js --help
set -euo pipefail
source "$(dirname "$0")/image-env.sh"
exec podman "$@"
