#!/usr/bin/env bash
# Builds (or reuses) the local Kubernetes toolchain from Go modules:
#   kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok, OpenTofu,
#   the Terraform kubernetes provider (in a filesystem mirror), the localk8s-pki helper,
#   and Flux's source-controller and kustomize-controller with their CRDs (CDKFED_BUILD_FLUX=0 skips them).
# Output: ${CDKFED_LOCALK8S_HOME:-$HOME/.cache/cdk-federation/localk8s}/<component>-<version>/
# A component is rebuilt only when its version or its wrapper go.mod/go.sum changes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

home="${CDKFED_LOCALK8S_HOME:-$HOME/.cache/cdk-federation/localk8s}"
mkdir -p "$home"

# Go may be installed without being on PATH (non-interactive shells skip ~/.bashrc).
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="/usr/local/go/bin:$PATH"; }
# Go may be installed without being on PATH (non-interactive shells do not read ~/.bashrc).
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && export PATH="/usr/local/go/bin:$PATH"; }
command -v go >/dev/null || { echo "build.sh: 'go' not found on PATH (need Go >= 1.26.6)" >&2; exit 1; }
go_version="$(go env GOVERSION)"

export CGO_ENABLED=0
export GOTOOLCHAIN=local          # never try to download another Go toolchain
export GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
export GOSUMDB="${GOSUMDB:-off}"  # go.sum is committed; no checksum database is needed
ldflags_base="-s -w"

log() { printf '[localk8s build] %s\n' "$*" >&2; }

# key <moddir> [extra...]: a short hash of the module's go.mod, go.sum and *.go files, the Go
# version, the build settings and extra (ldflags, packages); a cached build is reused only while
# its key is unchanged.
key() {
  local f moddir="$1"; shift
  { for f in "$moddir"/go.mod "$moddir"/go.sum "$moddir"/*.go; do [[ -f "$f" ]] && sha256sum < "$f"; done
    echo "$go_version $GOFLAGS $CGO_ENABLED $*"; } | sha256sum | cut -c1-12
}

# build_component NAME VERSION MODDIR LDFLAGS OUT PKG...
# Builds PKG... from the wrapper module MODDIR into $home/NAME-VERSION (atomically).
# OUT is the binary name for a single package, or "" to name binaries after their packages.
# If BUILD_HOOK names a function, it is called as `$BUILD_HOOK <tmp-output-dir> <moddir> PKG...` after
# the build and before the output is moved into place (to add files such as CRDs).
build_component() {
  local name="$1" version="$2" moddir="$3" ldflags="$4" bin="$5"; shift 5
  local out="$home/$name-$version" k hook="${BUILD_HOOK:-}"
  k="$(key "$moddir" "$ldflags" "$bin" "$@" ${hook:+"$hook"})"  # no hook: the key of before
  if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$k" ]]; then
    log "$name $version: cached ($out)"
    return 0
  fi
  log "$name $version: building ${*} ..."
  local t0=$SECONDS tmp
  tmp="$(mktemp -d "$home/.tmp-$name-XXXXXX")"
  chmod 0755 "$tmp"
  (cd "$moddir" && go build -ldflags="$ldflags" -o "$tmp/$bin" "$@")
  [[ -z "$hook" ]] || "$hook" "$tmp" "$moddir" "$@"
  echo "$k" > "$tmp/.stamp"
  rm -rf "$out"
  mv "$tmp" "$out"
  log "$name $version: built in $((SECONDS - t0))s ($(du -sh "$out" | cut -f1))"
}

t_start=$SECONDS

# Small stdlib-only helper that writes the PKI (CA, serving and client certs, SA keys).
pki_version="$(key "$here/pki")"
build_component localk8s-pki "$pki_version" "$here/pki" "$ldflags_base" localk8s-pki .
for d in "$home"/localk8s-pki-*; do [[ "$d" == "$home/localk8s-pki-$pki_version" ]] || rm -rf "$d"; done

kv="$KUBERNETES_VERSION"; kmaj="${kv#v}"; kmaj="${kmaj%%.*}"; kmin="${kv#v*.}"; kmin="${kmin%%.*}"
kver_flags=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kver_flags+=" -X $p.gitVersion=$kv -X $p.gitMajor=$kmaj -X $p.gitMinor=$kmin -X $p.gitTreeState=clean"
done
build_component kubernetes "$kv" "$here/go/kubernetes" "$ldflags_base$kver_flags" "" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler

build_component etcd "$ETCD_VERSION" "$here/go/etcd" "$ldflags_base" etcd go.etcd.io/etcd/server/v3

build_component kwok "$KWOK_VERSION" "$here/go/kwok" \
  "$ldflags_base -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" kwok sigs.k8s.io/kwok/cmd/kwok

build_component opentofu "$OPENTOFU_VERSION" "$here/go/opentofu" \
  "$ldflags_base -X github.com/opentofu/opentofu/version.dev=no" tofu github.com/opentofu/opentofu/cmd/tofu

build_component tfprovider-kubernetes "$TFK8S_SOURCE_VERSION" "$here/go/tfprovider-kubernetes" "$ldflags_base" \
  terraform-provider-kubernetes github.com/hashicorp/terraform-provider-kubernetes

# kubectl from the same Kubernetes version (its own wrapper module: kubectl needs more modules), only for benchmarks (bench/deploy.sh sets CDKFED_BUILD_KUBECTL=1).
if [[ "${CDKFED_BUILD_KUBECTL:-0}" == 1 ]]; then
  build_component kubectl "$kv" "$here/go/kubectl" "$ldflags_base$kver_flags" kubectl k8s.io/kubernetes/cmd/kubectl
fi

# Flux's source-controller and kustomize-controller (GitOps tests), on by default; CDKFED_BUILD_FLUX=0 skips them.
# Their CRDs are copied from the controller module in the Go module cache into <output>/crds/
# (never committed to this repository).
flux_crds() {
  local tmp="$1" moddir="$2" mod="$3" dir  # the package built is the controller module's root
  dir="$(cd "$moddir" && go list -m -f '{{.Dir}}' "$mod")"
  [[ -n "$dir" && -d "$dir/config/crd/bases" ]] || { echo "build.sh: no config/crd/bases in $mod ($dir)" >&2; return 1; }
  mkdir -p "$tmp/crds"
  cp "$dir"/config/crd/bases/*.yaml "$tmp/crds/"
  chmod 0644 "$tmp"/crds/*.yaml   # the module cache is read-only
}
if [[ "${CDKFED_BUILD_FLUX:-1}" == 1 ]]; then
  for c in source kustomize; do
    # versions.env names the version; the wrapper go.mod pins it: they must agree.
    grep -qP "^\tgithub.com/fluxcd/$c-controller $FLUX_VERSION\$" "$here/go/flux-$c/go.mod" ||
      { echo "build.sh: go/flux-$c/go.mod does not require github.com/fluxcd/$c-controller $FLUX_VERSION (versions.env FLUX_VERSION)" >&2; exit 1; }
    BUILD_HOOK=flux_crds build_component "flux-$c-controller" "$FLUX_VERSION" "$here/go/flux-$c" "$ldflags_base" \
      "$c-controller" "github.com/fluxcd/$c-controller"
  done
fi

# Filesystem mirror for `tofu init` without network (unpacked layout), under both hostnames.
mirror="$home/tf-mirror"
src="$home/tfprovider-kubernetes-$TFK8S_SOURCE_VERSION/terraform-provider-kubernetes"
for host in registry.opentofu.org registry.terraform.io; do
  d="$mirror/$host/hashicorp/kubernetes/$TFK8S_MIRROR_VERSION/linux_amd64"
  f="$d/terraform-provider-kubernetes_v$TFK8S_MIRROR_VERSION"
  if ! cmp -s "$src" "$f" 2>/dev/null; then
    mkdir -p "$d"; cp "$src" "$f.tmp"; chmod 0755 "$f.tmp"; mv "$f.tmp" "$f"
  fi
done

log "toolchain ready in $home ($((SECONDS - t_start))s, $(du -sh "$home" | cut -f1) on disk)"
