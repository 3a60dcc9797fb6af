#!/usr/bin/env bash
# Builds local stand-ins for the Dockerfile's two base images, which cannot be pulled here (no
# container registry is reachable), and prints the two build arguments that select them:
#   BUILD_IMAGE=…    for node:24-bookworm-slim: Debian bookworm (debootstrap minbase) with Node and
#                    npm where the real image keeps them (/usr/local/bin, /usr/local/lib/node_modules)
#   RUNTIME_IMAGE=…  for gcr.io/distroless/nodejs24-debian12:nonroot: no shell, /nodejs/bin/node,
#                    only the shared libraries Node links, Debian's CA bundle, user nonroot (65532)
# The Node binary is the project's pinned one (npm package `node`), i.e. the official Linux build
# the real images carry. Cached by a stamp of their inputs; the Debian root file system is cached
# separately because debootstrap is the slow part (~80 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/image-env.sh"
node_bin="$root/node_modules/node/bin/node"
[[ -x $node_bin ]] || { echo "run npm ci first: $node_bin is missing" >&2; exit 1; }
npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
mirror="${MCPR_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"

rootfs="$mcpr_image_work/debian-bookworm-minbase"
if [[ ! -f $rootfs/.complete ]]; then
  echo "debootstrap: Debian bookworm minbase from $mirror (once, ~80 s)" >&2
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >&2
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  touch "$rootfs/.complete"
fi

node_version=$("$node_bin" --version)
npm_version=$(node -p "require('$npm_dir/package.json').version")
stamp=$(cat "$0" <(echo "$node_version $npm_version") | sha256sum | cut -c1-12)
build_ref="localhost/mcpr-standin/node:${node_version#v}-bookworm-slim-$stamp"
runtime_ref="localhost/mcpr-standin/distroless-nodejs:${node_version#v}-nonroot-$stamp"

if ! podman image exists "$build_ref"; then
  echo "stand-in $build_ref" >&2
  tmp=$(mktemp -d "$mcpr_image_work/standin.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  cp -a "$rootfs" "$tmp/root"
  install -m 0755 "$node_bin" "$tmp/root/usr/local/bin/node"
  mkdir -p "$tmp/root/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$tmp/root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/root/usr/local/bin/npx"
  # Outbound TLS here is re-signed by a local CA: the build stage needs the host's bundle to reach
  # the npm registry. Only this build-stage stand-in has it; the runtime image never does.
  install -m 0644 /etc/ssl/certs/ca-certificates.crt "$tmp/root/usr/local/share/build-host-ca.crt"
  tar --numeric-owner -C "$tmp/root" -cf "$tmp/root.tar" .
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/build-host-ca.crt' \
    --change 'CMD ["node"]' \
    "$tmp/root.tar" "$build_ref" >/dev/null
  rm -rf "$tmp"
fi

if ! podman image exists "$runtime_ref"; then
  echo "stand-in $runtime_ref" >&2
  tmp=$(mktemp -d "$mcpr_image_work/standin.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  r="$tmp/root"
  mkdir -p "$r/nodejs/bin" "$r/etc/ssl/certs" "$r/tmp" "$r/home/nonroot" "$r/lib64" "$r/usr/lib/x86_64-linux-gnu"
  install -m 0755 "$node_bin" "$r/nodejs/bin/node"
  # The shared libraries Node links, taken from the Debian root (as distroless ships them).
  for lib in $(ldd "$node_bin" | awk '/=>/ {print $1} /ld-linux/ {print $1}' | xargs -n1 basename | sort -u); do
    src=$(find -H "$rootfs/usr/lib/x86_64-linux-gnu" -maxdepth 1 -name "$lib" | head -1)
    [[ -n $src ]] || { echo "stand-in: $lib not found in the Debian root" >&2; exit 1; }
    cp -L "$src" "$r/usr/lib/x86_64-linux-gnu/$lib"
  done
  ln -s ../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$r/lib64/ld-linux-x86-64.so.2"
  ln -s usr/lib "$r/lib"
  cp "$rootfs/etc/ssl/certs/ca-certificates.crt" "$r/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$r/etc/group"
  chmod 1777 "$r/tmp"
  chown 65532:65532 "$r/home/nonroot"
  tar --numeric-owner -C "$r" -cf "$tmp/root.tar" .
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENTRYPOINT ["/nodejs/bin/node"]' \
    --change 'USER 65532' \
    --change 'WORKDIR /home/nonroot' \
    "$tmp/root.tar" "$runtime_ref" >/dev/null
  rm -rf "$tmp"
fi
echo "BUILD_IMAGE=$build_ref"
echo "RUNTIME_IMAGE=$runtime_ref"
