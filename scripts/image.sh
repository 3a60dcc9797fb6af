#!/usr/bin/env bash
# `npm run image`: builds the Dockerfile's image with podman (Debian packages from prereqs.sh,
# configuration in a work folder outside the repository: scripts/image-env.sh), against locally
# built stand-ins for the base images (scripts/image-standins.sh), since no registry is reachable.
# Skips the build when nothing the image is made of changed (a stamp of the build context's inputs,
# the Dockerfile, these scripts and the stand-ins). Prints the image reference on stdout:
#   localhost/mcp-registry-operator:dev   (also tagged :<stamp>)
# MCPR_IMAGE_REAL_BASES=1 builds against the Dockerfile's real bases instead (needs a registry).
# MCPR_IMAGE_CONTEXT=<dir> builds another checkout (e.g. `git archive HEAD` while the working tree
# holds someone's unfinished change).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/prereqs.sh
source scripts/image-env.sh
repo=localhost/mcp-registry-operator
build_args=()
if [[ ${MCPR_IMAGE_REAL_BASES:-} != 1 ]]; then
  while IFS= read -r arg; do build_args+=(--build-arg "$arg"); done < <(bash scripts/image-standins.sh)
fi
ctx=$(cd "${MCPR_IMAGE_CONTEXT:-$root}" && pwd)
# What COPY can see (the Dockerfile copies package*.json, tsconfig*.json and src/) plus the recipe.
stamp=$(
  {
    printf '%s\n' "${build_args[@]}"
    sha256sum scripts/image.sh scripts/image-env.sh scripts/image-standins.sh
    cd "$ctx"
    sha256sum Dockerfile .dockerignore package.json package-lock.json tsconfig.json tsconfig.build.json
    find src -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)
if podman image exists "$repo:$stamp"; then
  echo "image $repo:$stamp is up to date" >&2
else
  echo "building $repo:$stamp" >&2
  start=$(date +%s)
  # Host networking for RUN (npm ci): no bridge or firewall set-up needed; --pull=never because
  # the bases are local.
  podman build --pull=never --network=host --signature-policy="$mcpr_policy" "${build_args[@]}" \
    --label "org.opencontainers.image.revision=$stamp" -t "$repo:$stamp" -f "$ctx/Dockerfile" "$ctx" >&2
  echo "built in $(($(date +%s) - start))s" >&2
fi
podman tag "$repo:$stamp" "$repo:dev"
# Keep the three newest builds; older ones only fill the disk (their shared layers stay).
podman images --filter "reference=$repo" --format '{{.Tag}} {{.CreatedAt}}' | grep -v '^dev ' |
  sort -k2 -r | tail -n +4 | while read -r tag _; do
  podman rmi "$repo:$tag" >/dev/null 2>&1 || true
done
podman images --filter 'reference=localhost/mcpr-standin/*' --format '{{.Repository}}:{{.Tag}}' |
  grep -v -F -e "${build_args[1]#*=}" -e "${build_args[3]#*=}" | xargs -r podman rmi >/dev/null 2>&1 || true
echo "$repo:$stamp"
