#!/usr/bin/env bash
# One way to build a Go tool the tests drive for real (kube-apiserver, etcd, the node binaries, helm,
# the official MCP registry server, kubeconform, kstatus, promtool, an OCI registry, ...): from the
# Go module proxy, pinned by a go.mod/go.sum folder of the project, into a cache outside the
# repository. Source this file, then:
#
#   go_tool_build CACHE-NAME MODULE-DIR "OUTPUT..." RECIPE [EXTRA-INPUT...]
#
# RECIPE is a shell function run in MODULE-DIR after `go mod download`, with the scratch output
# directory as $1; it must leave every OUTPUT there as an executable. The cache key is a hash of
# go.mod, go.sum, the EXTRA-INPUT files, the recipe's own text (so its flags, not the comments of the
# calling script, decide a rebuild) and `go version`. A warm machine skips the build; concurrent runs
# each build into their own scratch directory and the first complete one is kept. Prints the cache
# directory. GO_TOOL_NOTE (optional) is shown with the "building" line (e.g. the cold cost).
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw

go_tool_complete() {
  local dir=$1 o
  shift
  for o in "$@"; do [[ -x $dir/$o ]] || return 1; done
}

go_tool_build() {
  local name=$1 dir=$2 outputs=$3 recipe=$4
  shift 4
  local stamp out tmp start
  # shellcheck disable=SC2086 # outputs is a word list
  stamp=$({ cat "$dir/go.mod" "$dir/go.sum" "$@"; declare -f "$recipe"; echo $outputs; go version; } |
    sha256sum | cut -c1-16)
  out="${XDG_CACHE_HOME:-$HOME/.cache}/$name/$stamp"
  # shellcheck disable=SC2086
  if ! go_tool_complete "$out" $outputs; then
    echo "building $outputs into $out${GO_TOOL_NOTE:+ ($GO_TOOL_NOTE)}" >&2
    tmp="$out.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    start=$(date +%s)
    (cd "$dir" && go mod download && "$recipe" "$tmp") >&2
    echo "built in $(($(date +%s) - start))s" >&2
    # shellcheck disable=SC2086
    if go_tool_complete "$out" $outputs; then rm -rf "$tmp"; else rm -rf "$out" && mkdir -p "$(dirname "$out")" && mv -T "$tmp" "$out"; fi
  fi
  echo "$out"
}

# The common recipe body: one static, stripped binary from a package path.
go_tool_plain() {
  local outdir=$1 name=$2 pkg=$3
  go build -trimpath -buildvcs=false -ldflags="-s -w" -o "$outdir/$name" "$pkg"
}
