#!/usr/bin/env bash
# npm run tools -- build every tool the real paths need (Pulumi CLI, language hosts, the Kubernetes
# provider, a Kubernetes control plane, etcd, kwok) from their Go modules into a cache outside the
# repository, keyed by version (tools/versions.env holds every pin). A tool already on PATH is used
# as it is. Cold builds print their time; a warm run only checks the cache. `uutils` (Ubuntu 26.04's
# coreutils, from crates.io with cargo), `victorialogs` (a log-aggregation service), `vmalert` (its alerting), `vmauth` (the
# authenticating proxy in front of it) and `otelcol` (the
# OpenTelemetry Collector the bench compares the agent with) are built the same way, but only on
# request, and never printed by `path`: what uses them asks for their directory (`dir TOOL`).
#
#   scripts/tools.sh install [TOOL...]   build what is missing (default: all), each Go tool from the
#                                        go.mod and go.sum committed in tools/modules/TOOL
#   scripts/tools.sh lock TOOL...        resolve a Go tool's modules again into tools/modules/TOOL
#                                        (after its version changed) and build it from them
#   scripts/tools.sh locks               check every committed build module against versions.env
#   scripts/tools.sh path                print the PATH entries of the cached tools, one line
#   scripts/tools.sh list                one line per tool: name, version, where it comes from
#   scripts/tools.sh dir TOOL            the directory of a cached tool (uutils: its userland, one
#                                        link per utility laid out as Ubuntu 26.04 does)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/versions.env
. tools/versions.env
CACHE=${WEBSERVER_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/webserver-sidecar/tools}
REPO=$(pwd)
# Builds use the machine's Go; a module asking for a newer one fails with a clear message. Every Go
# tool builds in a module whose go.mod and go.sum are committed (tools/modules/TOOL, or TOOL/PART
# for a tool made of two): -mod=readonly, so no build resolves a version of its own, and Go checks
# every module it downloads against the committed checksums. `lock` re-resolves them (docs/tools.md).
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} GOFLAGS=-mod=readonly CGO_ENABLED=${CGO_ENABLED:-0}
LOCKING=0

die() { echo "tools: $*" >&2; exit 1; }
# github.com/pulumi/pulumi/pkg/v3's go.mod replaces clipboard with a fork, which `replace` in a
# dependency's go.mod does not carry: every module here that builds pkg repeats it.
PKG_CLIPBOARD_REPLACE="replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

ALL_TOOLS=(etcd kube kwok pulumi pulumi-language-nodejs pulumi-language-python pulumi-language-yaml pulumi-language-go
  pulumi-language-java pulumi-resource-kubernetes)
# The local cluster's real node (scripts/cluster.sh): built by `install` with the rest; always ours
# and never on PATH (cluster.sh asks `dir TOOL`), so a machine's own runc or containerd is left alone.
NODE_TOOLS=(kubelet containerd runc cni-plugins coredns crane local-path-provisioner kube-network-policies)
# Built on request only, and never on PATH.
EXTRA_TOOLS=(uutils victorialogs vmalert vmauth otelcol rsyslog-testing)

# WEBSERVER_PROVIDER_FROM_REGISTRY=1 (ci.yml on GitHub, where Pulumi's plugin downloads are
# reachable): the Kubernetes provider is the release @pulumi/kubernetes asks for, which the engine
# downloads as it does for users; the one built here (4.25 with 4.29's preview of a create) is then
# neither built nor put on PATH.
from_engine() { [ "${WEBSERVER_PROVIDER_FROM_REGISTRY:-}" = 1 ] && [ "$1" = pulumi-resource-kubernetes ]; }

# The binaries each tool provides, and its version key.
binaries() {
  case $1 in
    etcd) echo etcd ;;
    kube) echo kube-apiserver kube-controller-manager kube-scheduler kubectl ;;
    kwok) echo kwok ;;
    kubelet) echo kubelet kube-proxy ;;
    containerd) echo containerd containerd-shim-runc-v2 ctr ;;
    runc) echo runc ;;
    cni-plugins) echo bridge host-local loopback portmap ;;
    coredns) echo coredns ;;
    crane) echo crane ;;
    local-path-provisioner) echo local-path-provisioner ;;
    kube-network-policies) echo kube-network-policies ;;
    pulumi) echo pulumi ;;
    pulumi-language-nodejs) echo pulumi-language-nodejs ;;
    pulumi-language-python) echo pulumi-language-python ;;
    pulumi-language-yaml) echo pulumi-language-yaml ;;
    pulumi-language-go) echo pulumi-language-go ;;
    pulumi-language-java) echo pulumi-language-java ;;
    pulumi-resource-kubernetes) echo pulumi-resource-kubernetes ;;
    uutils) echo coreutils ;;
    victorialogs) echo victoria-logs ;;
    vmalert) echo vmalert ;;
    vmauth) echo vmauth ;;
    otelcol) echo otelcol ;;
    rsyslog-testing) echo run-in-root ;;
    *) die "unknown tool '$1' (one of: ${ALL_TOOLS[*]} ${NODE_TOOLS[*]} ${EXTRA_TOOLS[*]})" ;;
  esac
}
version_of() {
  case $1 in
    etcd) echo "$ETCD_VERSION" ;;
    kube) echo "$KUBERNETES_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    kubelet) echo "$KUBERNETES_VERSION" ;;
    containerd) echo "$CONTAINERD_VERSION" ;;
    runc) echo "$RUNC_VERSION-seccomp" ;;
    cni-plugins) echo "$CNI_PLUGINS_VERSION" ;;
    coredns) echo "$COREDNS_VERSION" ;;
    crane) echo "$CRANE_VERSION" ;;
    local-path-provisioner) echo "$LOCAL_PATH_PROVISIONER_VERSION" ;;
    kube-network-policies) echo "$KUBE_NETWORK_POLICIES_VERSION" ;;
    pulumi) echo "$PULUMI_VERSION" ;;
    # The host of that release plus what it lacks (tools/nodejs-host, tools/python-host, with
    # tools/hostproxy and tools/hostlib, which every host built here shares): keyed by both.
    pulumi-language-nodejs) echo "$PULUMI_NODEJS_HOST_VERSION-runplugin.$(cat tools/hostlib/*.go tools/hostproxy/*.go tools/nodejs-host/*.go | sha256sum | cut -c1-10)" ;;
    pulumi-language-python) echo "$PULUMI_PYTHON_HOST_VERSION-link.$(cat tools/hostlib/*.go tools/hostproxy/*.go tools/python-host/*.go | sha256sum | cut -c1-10)" ;;
    pulumi-language-yaml) echo "$PULUMI_YAML_VERSION-link.$(cat tools/hostlib/*.go tools/yaml-host/main.go | sha256sum | cut -c1-10)" ;;
    # tools/go-host built from the CLI's release: keyed by both.
    pulumi-language-go) echo "$PULUMI_VERSION-gohost.$(cat tools/hostlib/*.go tools/go-host/main.go | sha256sum | cut -c1-10)" ;;
    pulumi-language-java) echo "$PULUMI_JAVA_VERSION" ;;
    # That release plus the one change of 4.29 previews of a replaced named object need
    # (tools/kubernetes-provider/preview-create.patch, docs/deployment.md): keyed by both.
    pulumi-resource-kubernetes) echo "$KUBERNETES_PROVIDER_VERSION-previewcreate.$(sha256sum tools/kubernetes-provider/preview-create.patch | cut -c1-10)" ;;
    uutils) echo "$UUTILS_VERSION" ;;
    victorialogs) echo "$VICTORIALOGS_VERSION" ;;
    vmalert) echo "$VMALERT_VERSION" ;;
    vmauth) echo "$VMAUTH_VERSION" ;;
    otelcol) echo "$OTELCOL_VERSION" ;;
    # Debian testing moves: keyed by the suite and the recipe; the build checks the least version.
    rsyslog-testing) echo "$RSYSLOG_TESTING_SUITE-$(sed -n '/^build_rsyslog-testing()/,/^}/p' "$0" | sha256sum | cut -c1-10)" ;;
  esac
}
bindir() { echo "$CACHE/$1-$(version_of "$1")/bin"; }
# What a tool is built from (all but two from Go modules, which need Go).
source_of() {
  case $1 in uutils) echo crate ;; rsyslog-testing) echo "Debian packages" ;; *) echo "Go module" ;; esac
}

# The tool's binaries on PATH outside our cache (a user's own pulumi, kubectl): used as they are.
on_path() {
  local b p
  [[ " ${EXTRA_TOOLS[*]} ${NODE_TOOLS[*]} " != *" $1 "* ]] || return 1 # test, bench and node tools, always ours
  for b in $(binaries "$1"); do
    p=$(command -v "$b" 2>/dev/null) || return 1
    case $p in "$CACHE"/*) return 1 ;; esac
  done
}
cached() {
  local b
  for b in $(binaries "$1"); do [ -x "$(bindir "$1")/$b" ] || return 1; done
  [ "$1" != kwok ] || [ -f "$(bindir kwok)/kwok-stages.yaml" ]
  [ "$1" != uutils ] || [ -x "$(bindir uutils)/../userland/tail" ]
}

# The modules a build module (KEY: a tool, or TOOL/PART) requires at the versions tools/versions.env
# pins, one "module version" a line: what `lock` resolved it from, checked before every build.
pins_of() {
  local c=go.opentelemetry.io/collector contrib=github.com/open-telemetry/opentelemetry-collector-contrib
  case $1 in
    etcd) echo "go.etcd.io/etcd/server/v3 v$ETCD_VERSION" ;;
    kube | kubelet) echo "k8s.io/kubernetes v$KUBERNETES_VERSION" ;;
    kwok) echo "sigs.k8s.io/kwok v$KWOK_VERSION" ;;
    containerd) echo "github.com/containerd/containerd/v2 v$CONTAINERD_VERSION" ;;
    runc) echo "github.com/opencontainers/runc v$RUNC_VERSION" ;;
    cni-plugins) echo "github.com/containernetworking/plugins v$CNI_PLUGINS_VERSION" ;;
    coredns) echo "github.com/coredns/coredns v$COREDNS_VERSION" ;;
    crane) echo "github.com/google/go-containerregistry v$CRANE_VERSION" ;;
    local-path-provisioner) echo "github.com/rancher/local-path-provisioner v$LOCAL_PATH_PROVISIONER_VERSION" ;;
    kube-network-policies) echo "sigs.k8s.io/kube-network-policies v$KUBE_NETWORK_POLICIES_VERSION" ;;
    pulumi | pulumi-language-go) printf '%s\n' "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" ;;
    pulumi-language-nodejs/inner) echo "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_NODEJS_HOST_VERSION" ;;
    pulumi-language-python/inner) echo "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_PYTHON_HOST_VERSION" ;;
    # tools/nodejs-host splits command lines with shlex; the Python host has no use for it.
    pulumi-language-nodejs/proxy) printf '%s\n' "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" "github.com/google/shlex $SHLEX_VERSION" ;;
    pulumi-language-python/proxy) printf '%s\n' "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" ;;
    pulumi-language-yaml) echo "github.com/pulumi/pulumi-yaml v$PULUMI_YAML_VERSION" ;;
    pulumi-language-java) echo "github.com/pulumi/pulumi-java/pkg v$PULUMI_JAVA_VERSION" ;;
    pulumi-resource-kubernetes) echo "github.com/pulumi/pulumi-kubernetes/provider/v4 $KUBERNETES_PROVIDER_MODULE_VERSION" ;;
    victorialogs) echo "github.com/VictoriaMetrics/VictoriaLogs v$VICTORIALOGS_VERSION" ;;
    vmalert) echo "github.com/VictoriaMetrics/VictoriaMetrics v$VMALERT_VERSION" ;;
    vmauth) echo "github.com/VictoriaMetrics/VictoriaMetrics v$VMAUTH_VERSION" ;;
    otelcol/builder) echo "$c/cmd/builder v$OTELCOL_VERSION" ;;
    otelcol/dist)
      printf '%s\n' "$contrib/receiver/filelogreceiver v$OTELCOL_CONTRIB_VERSION" "$contrib/extension/storage/filestorage v$OTELCOL_CONTRIB_VERSION" \
        "$c/exporter/otlphttpexporter v$OTELCOL_VERSION" "$c/confmap/provider/fileprovider v$OTELCOL_STABLE_VERSION" \
        "$c/confmap/provider/envprovider v$OTELCOL_STABLE_VERSION" ;;
    *) die "no build module '$1'" ;;
  esac
}
# The build modules of a Go tool.
modules_of() {
  case $1 in
    pulumi-language-nodejs | pulumi-language-python) echo "$1/inner $1/proxy" ;;
    otelcol) echo "otelcol/builder otelcol/dist" ;;
    *) echo "$1" ;;
  esac
}
# check_lock KEY: tools/modules/KEY's go.mod requires every pin of KEY at its version (a version
# changed in tools/versions.env without `lock` is named, with the command that fixes it).
check_lock() {
  local key=$1 mod want have
  if [ ! -f "tools/modules/$key/go.mod" ] || [ ! -f "tools/modules/$key/go.sum" ]; then
    echo "tools/modules/$key has no go.mod and go.sum: scripts/tools.sh lock ${key%%/*}" >&2
    return 1
  fi
  while read -r mod want; do
    have=$(awk -v m="$mod" '($1 == m) { print $2 } ($1 == "require" && $2 == m) { print $3 }' "tools/modules/$key/go.mod" | head -1)
    if [ "$have" != "$want" ]; then
      echo "tools/modules/$key requires $mod ${have:-at no version}, tools/versions.env pins $want: scripts/tools.sh lock ${key%%/*}" >&2
      return 1
    fi
  done < <(pins_of "$key")
}

# go_module KEY DIR: DIR becomes KEY's build module, a module of ours that requires the tool's (so
# `replace` directives the tool's own go.mod carries, which `go install pkg@version` refuses, can be
# repeated): the go.mod and go.sum committed in tools/modules/KEY. When locking, a fresh module that
# the build's `resolve` steps fill and `save_module` commits.
go_module() {
  local key=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir"
  if [ "$LOCKING" = 1 ]; then
    printf 'module webserver-sidecar/tools/build\n\ngo 1.26\n' >"$dir/go.mod"
    return
  fi
  check_lock "$key" || exit 1
  cp "tools/modules/$key/go.mod" "tools/modules/$key/go.sum" "$dir/"
}
# resolve CMD...: a step that chooses versions (go get, go mod tidy, an edit of go.mod), run only
# when locking; a build takes what tools/modules holds.
resolve() { if [ "$LOCKING" = 1 ]; then "$@"; fi; }
# save_module KEY DIR: when locking, DIR's go.mod and go.sum, as resolved, become tools/modules/KEY.
save_module() {
  if [ "$LOCKING" = 1 ]; then
    mkdir -p "$REPO/tools/modules/$1" && cp "$2/go.mod" "$2/go.sum" "$REPO/tools/modules/$1/"
  fi
}
# append FILE LINE: LINE added to FILE (a replace directive in a build module's go.mod, when locking).
append() { echo "$2" >>"$1"; }

build_etcd() {
  local dir=$1 out=$2
  go_module etcd "$dir"
  # etcd's own main (go.etcd.io/etcd/v3) is a module of local replaces; its server module exports
  # the same entry point, etcdmain.Main, which is all etcd's main.go calls.
  mkdir -p "$dir/etcd"
  cat >"$dir/etcd/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  (
    cd "$dir"
    resolve go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
    resolve go mod tidy
    save_module etcd .
    go build -trimpath -o "$out/etcd" ./etcd
  )
}

# k8s.io/kubernetes' commands CMD... of the pinned release into OUT, as TOOL.
build_k8s_commands() {
  local tool=$1 dir=$2 out=$3 staging m mod
  shift 3
  go_module "$tool" "$dir"
  (
    cd "$dir"
    if [ "$LOCKING" = 1 ]; then
      # k8s.io/kubernetes replaces its staging modules with ./staging/src/...; each is published as
      # k8s.io/NAME at v0.MINOR.PATCH of the same release.
      staging="v0.${KUBERNETES_VERSION#*.}"
      mod=$(go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
      [ -f "$mod" ] || die "could not read k8s.io/kubernetes@v$KUBERNETES_VERSION's go.mod"
      {
        echo "replace ("
        sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$mod" | while read -r m; do echo "	$m => $m $staging"; done
        echo ")"
      } >>go.mod
    fi
    resolve go get "k8s.io/kubernetes@v$KUBERNETES_VERSION"
    for m in "$@"; do resolve go get -tool "k8s.io/kubernetes/cmd/$m@v$KUBERNETES_VERSION"; done
    resolve go mod tidy
    save_module "$tool" .
    GOBIN=$out go install -trimpath \
      -ldflags "-X k8s.io/component-base/version.gitVersion=v$KUBERNETES_VERSION -X k8s.io/client-go/pkg/version.gitVersion=v$KUBERNETES_VERSION" \
      tool
  )
}
build_kube() { build_k8s_commands kube "$1" "$2" kube-apiserver kube-controller-manager kube-scheduler kubectl; }
# The node's agent and its Service proxy, of the control plane's release.
build_kubelet() { build_k8s_commands kubelet "$1" "$2" kubelet kube-proxy; }

# containerd 2.x (the CRI runtime), its runc shim and ctr. btrfs needs cgo headers: left out, as
# containerd's own static builds do.
build_containerd() {
  local dir=$1 out=$2 c
  go_module containerd "$dir"
  (
    cd "$dir"
    resolve go get "github.com/containerd/containerd/v2@v$CONTAINERD_VERSION"
    for c in containerd containerd-shim-runc-v2 ctr; do resolve go get -tool "github.com/containerd/containerd/v2/cmd/$c@v$CONTAINERD_VERSION"; done
    resolve go mod tidy
    save_module containerd .
    GOBIN=$out go install -trimpath -tags no_btrfs \
      -ldflags "-X github.com/containerd/containerd/v2/version.Version=v$CONTAINERD_VERSION" tool
  )
}

# runc, the OCI runtime containerd's shim starts containers with (cgo: its nsenter is C), with
# seccomp (libseccomp, as every distribution builds it): containerd gives every pod sandbox, and the
# restricted profile every container, the runtime's default seccomp profile.
build_runc() {
  local dir=$1 out=$2
  pkg-config --exists libseccomp 2>/dev/null || { echo "runc needs libseccomp's headers: apt-get install -y libseccomp-dev pkg-config"; return 1; }
  go_module runc "$dir"
  (
    cd "$dir"
    resolve go get -tool "github.com/opencontainers/runc@v$RUNC_VERSION"
    resolve go mod tidy
    save_module runc .
    CGO_ENABLED=1 go build -trimpath -tags seccomp -ldflags "-X main.version=$RUNC_VERSION" -o "$out/runc" github.com/opencontainers/runc
  )
}

# The CNI plugins the node's pod network uses: a bridge, host-local addresses, loopback, port maps.
build_cni-plugins() {
  local dir=$1 out=$2 p
  go_module cni-plugins "$dir"
  (
    cd "$dir"
    resolve go get "github.com/containernetworking/plugins@v$CNI_PLUGINS_VERSION"
    for p in main/bridge ipam/host-local main/loopback meta/portmap; do
      resolve go get -tool "github.com/containernetworking/plugins/plugins/$p@v$CNI_PLUGINS_VERSION"
    done
    resolve go mod tidy
    save_module cni-plugins .
    GOBIN=$out go install -trimpath tool
  )
}

# CoreDNS, the cluster's DNS: its own main, as CoreDNS documents for custom builds, importing only
# the plugins the node's Corefile uses (every other plugin, and its cloud SDK, stays out).
build_coredns() {
  local dir=$1 out=$2 p
  go_module coredns "$dir"
  {
    printf 'package main\n\nimport (\n\t"github.com/coredns/coredns/coremain"\n'
    for p in kubernetes errors health ready cache loop reload loadbalance log bind; do
      printf '\t_ "github.com/coredns/coredns/plugin/%s"\n' "$p"
    done
    printf ')\n\nfunc main() { coremain.Run() }\n'
  } >"$dir/main.go"
  (
    cd "$dir"
    resolve go get "github.com/coredns/coredns@v$COREDNS_VERSION"
    resolve go mod tidy
    save_module coredns .
    go build -trimpath -o "$out/coredns" .
  )
}

# go_command TOOL DIR OUT PKG@VERSION: a command built as `go install PKG@VERSION` builds it, from
# its module's own requirements, but in a build module of ours, pinned like every other.
go_command() {
  local tool=$1 dir=$2 out=$3
  go_module "$tool" "$dir"
  (
    cd "$dir"
    resolve go get -tool "$4"
    resolve go mod tidy
    save_module "$tool" .
    GOBIN=$out go install -trimpath tool
  )
}

# crane (go-containerregistry): serves the node's image registry and pushes the stand-ins into it.
build_crane() { go_command crane "$1" "$2" "github.com/google/go-containerregistry/cmd/crane@v$CRANE_VERSION"; }

# The local-path provisioner: binds each PersistentVolumeClaim to a directory on the node.
build_local-path-provisioner() {
  go_command local-path-provisioner "$1" "$2" "github.com/rancher/local-path-provisioner@v$LOCAL_PATH_PROVISIONER_VERSION"
}

# kube-network-policies: the node's NetworkPolicy enforcement (its command is ./cmd: renamed).
build_kube-network-policies() {
  local dir=$1 out=$2
  go_command kube-network-policies "$dir" "$dir/bin" "sigs.k8s.io/kube-network-policies/cmd@v$KUBE_NETWORK_POLICIES_VERSION"
  mv "$dir/bin/cmd" "$out/kube-network-policies"
}

build_kwok() {
  local dir=$1 out=$2 src f
  go_command kwok "$dir" "$out" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  # kwok acts only through Stages; its module ships them. Nodes: Ready, heartbeat with leases;
  # pods: Running and Ready with an IP, Jobs' pods complete, deleted pods go.
  src=$(cd "$dir" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    echo "---"
    cat "$src/kustomize/stage/$f.yaml"
  done >"$out/kwok-stages.yaml"
}

build_pulumi() {
  local dir=$1 out=$2
  go_module pulumi "$dir"
  (
    cd "$dir"
    # pkg/go.mod replaces sdk with ../sdk and a fork of clipboard; repeat the fork, take the sdk of
    # the same release from the proxy.
    resolve append go.mod "$PKG_CLIPBOARD_REPLACE"
    resolve go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
    resolve go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION"
    resolve go mod tidy
    save_module pulumi .
    GOBIN=$out go install -trimpath -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" tool
  )
}

# The SDK module of those releases held the host as a package; its go.mod pins golang.org/x/text
# with a replace, repeated here.
build_sdk_host() {
  local key=$1 dir=$2 out=$3 version=$4 lang=$5
  go_module "$key" "$dir"
  (
    cd "$dir"
    resolve append go.mod "replace golang.org/x/text => golang.org/x/text v0.3.6"
    resolve go get "github.com/pulumi/pulumi/sdk/v3@v$version"
    resolve go get -tool "github.com/pulumi/pulumi/sdk/v3/$lang/cmd/pulumi-language-$lang@v$version"
    resolve go mod tidy
    save_module "$key" .
    GOBIN=$out go install -trimpath -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" tool
  )
}
# The host of an older release (renamed pulumi-language-LANG-VERSION) and, under the usual name,
# tools/LANG-host + tools/hostproxy built against the SDK of the CLI's release (with pkg required
# too, so shared packages resolve to the versions the CLI was built with): it starts the older host
# and answers what that one lacks.
build_host_with_proxy() {
  local dir=$1 out=$2 version=$3 lang=$4 inner="pulumi-language-$4-$3" tool="pulumi-language-$4"
  build_sdk_host "$tool/inner" "$dir/inner" "$out" "$version" "$lang"
  mv "$out/pulumi-language-$lang" "$out/$inner"
  go_module "$tool/proxy" "$dir/proxy"
  cp tools/hostlib/*.go tools/hostproxy/*.go "tools/$lang-host/"*.go "$dir/proxy/"
  (
    cd "$dir/proxy"
    resolve append go.mod "$PKG_CLIPBOARD_REPLACE"
    resolve go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/google/shlex@$SHLEX_VERSION"
    resolve go mod tidy
    save_module "$tool/proxy" .
    go build -trimpath -ldflags "-X main.innerHost=$inner" -o "$out/pulumi-language-$lang" .
  )
}
build_pulumi-language-nodejs() { build_host_with_proxy "$1" "$2" "$PULUMI_NODEJS_HOST_VERSION" nodejs; }
build_pulumi-language-python() {
  build_host_with_proxy "$1" "$2" "$PULUMI_PYTHON_HOST_VERSION" python
  # The 3.79 host runs programs through this script, which its SDK module ships beside it.
  local src
  src=$(cd "$1/inner" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
  install -m 0755 "$src/python/cmd/pulumi-language-python-exec" "$2/"
}

build_pulumi-language-yaml() {
  local dir=$1 out=$2
  go_module pulumi-language-yaml "$dir"
  # pulumi-yaml's host with the Link answer its release lacks (tools/yaml-host says why).
  cp tools/hostlib/*.go tools/yaml-host/main.go "$dir/"
  (
    cd "$dir"
    resolve go get "github.com/pulumi/pulumi-yaml@v$PULUMI_YAML_VERSION"
    resolve go mod tidy
    save_module pulumi-language-yaml .
    go build -trimpath -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$PULUMI_YAML_VERSION" \
      -o "$out/pulumi-language-yaml" .
  )
}

# tools/go-host (it says why there is no Go host to take as it is) against the CLI's release.
build_pulumi-language-go() {
  local dir=$1 out=$2
  go_module pulumi-language-go "$dir"
  cp tools/hostlib/*.go tools/go-host/main.go "$dir/"
  (
    cd "$dir"
    resolve append go.mod "$PKG_CLIPBOARD_REPLACE"
    resolve go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION"
    resolve go mod tidy
    save_module pulumi-language-go .
    go build -trimpath -ldflags "-X main.version=$PULUMI_VERSION" -o "$out/pulumi-language-go" .
  )
}

# pulumi-java's host, as its release builds it (the module proxy lists no versions of
# github.com/pulumi/pulumi-java/pkg, so `go install pkg@version` cannot check for deprecation: a
# module that requires it instead).
build_pulumi-language-java() {
  local dir=$1 out=$2
  go_module pulumi-language-java "$dir"
  (
    cd "$dir"
    resolve go get "github.com/pulumi/pulumi-java/pkg@v$PULUMI_JAVA_VERSION"
    resolve go get -tool "github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java@v$PULUMI_JAVA_VERSION"
    resolve go mod tidy
    save_module pulumi-language-java .
    GOBIN=$out go install -trimpath -ldflags "-X github.com/pulumi/pulumi-java/pkg/version.Version=$PULUMI_JAVA_VERSION" tool
  )
}

build_pulumi-resource-kubernetes() {
  local dir=$1 out=$2 src patchfile
  patchfile=$(pwd)/tools/kubernetes-provider/preview-create.patch
  go_module pulumi-resource-kubernetes "$dir"
  # The provider's main embeds schema-embed.json, which its `go generate` makes from schema.json;
  # the module ships schema.json, so the same main is rebuilt here around the generated file.
  mkdir -p "$dir/provider"
  cat >"$dir/provider/main.go" <<'EOF'
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() { provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping) }
EOF
  (
    cd "$dir"
    resolve append go.mod "replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.25.0"
    resolve go get "github.com/pulumi/pulumi-kubernetes/provider/v4@$KUBERNETES_PROVIDER_MODULE_VERSION"
    # (go list names a module's directory only once it is in the module cache: fetched, and checked
    # against go.sum, first.)
    go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
    src=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
    [ -n "$src" ] || { echo "the provider's module is not in the module cache"; exit 1; }
    python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), separators=(",", ":"))' \
      "$src/cmd/pulumi-resource-kubernetes/schema.json" provider/schema-embed.json
    cp "$src/cmd/pulumi-resource-kubernetes/terraform-mapping.json" provider/terraform-mapping-embed.json
    resolve go mod tidy
    save_module pulumi-resource-kubernetes .
    # 4.29's preview of a create (pulumi-kubernetes#4278), applied to a copy of the module (the
    # module cache is read-only, and go build's -overlay refuses files in it) that replaces it
    # (the same go.mod, so the build list the committed go.sum holds stays as it is): a Pod
    # replaced under its own name previews (docs/deployment.md).
    cp -r "$src" provider-module && chmod -R u+w provider-module
    patch --no-backup-if-mismatch provider-module/pkg/await/await.go <"$patchfile"
    go mod edit -replace "github.com/pulumi/pulumi-kubernetes/provider/v4=./provider-module"
    go build -trimpath \
      -ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION" \
      -o "$out/pulumi-resource-kubernetes" ./provider
  )
}

# uutils coreutils 0.8 with its unix utilities (stat, mkfifo, ...), as Ubuntu 26.04 builds it; then
# its userland as 26.04 lays it out: every utility a link to the multicall binary, but cp, mv and
# rm, which stay GNU there.
build_uutils() {
  local dir=$1 out=$2 u
  command -v cargo >/dev/null || { echo "cargo is needed to build uutils (rustup.rs)"; return 1; }
  CARGO_TARGET_DIR=$dir/target cargo install coreutils --version "$UUTILS_VERSION" --locked --features unix \
    --root "$dir/root"
  mv "$dir/root/bin/coreutils" "$out/coreutils"
  # Beside bin/ once installed (install_tool moves OUT.userland there).
  mkdir -p "$out.userland"
  for u in $("$out/coreutils" --list); do
    case $u in cp | mv | rm | '[') continue ;; esac
    ln -sf ../bin/coreutils "$out.userland/$u"
  done
}

build_victorialogs() {
  go_command victorialogs "$1" "$2" "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v$VICTORIALOGS_VERSION"
}

build_vmalert() { go_command vmalert "$1" "$2" "github.com/VictoriaMetrics/VictoriaMetrics/app/vmalert@v$VMALERT_VERSION"; }

build_vmauth() { go_command vmauth "$1" "$2" "github.com/VictoriaMetrics/VictoriaMetrics/app/vmauth@v$VMAUTH_VERSION"; }

# The collector's builder (ocb) of that release generates a main from a manifest, fetches the
# components' modules and compiles: the way the collector's own distributions are made. The builder
# resolves the distribution's modules only when locking; a build generates the sources, takes the
# committed go.mod and go.sum (tools/modules/otelcol/dist), and has the builder compile them.
build_otelcol() {
  local dir=$1 out=$2 core=go.opentelemetry.io/collector contrib=github.com/open-telemetry/opentelemetry-collector-contrib
  go_command otelcol/builder "$dir/builder" "$dir/bin" "$core/cmd/builder@v$OTELCOL_VERSION"
  cat >"$dir/manifest.yaml" <<EOF
dist:
  name: otelcol
  description: OpenTelemetry Collector (filelog, file_storage, otlp_http) for the bench
  output_path: $dir/src
  version: $OTELCOL_VERSION
receivers:
  - gomod: $contrib/receiver/filelogreceiver v$OTELCOL_CONTRIB_VERSION
extensions:
  - gomod: $contrib/extension/storage/filestorage v$OTELCOL_CONTRIB_VERSION
exporters:
  - gomod: $core/exporter/otlphttpexporter v$OTELCOL_VERSION
providers:
  - gomod: $core/confmap/provider/fileprovider v$OTELCOL_STABLE_VERSION
  - gomod: $core/confmap/provider/envprovider v$OTELCOL_STABLE_VERSION
EOF
  if [ "$LOCKING" = 1 ]; then
    "$dir/bin/builder" --config "$dir/manifest.yaml" --skip-compilation
    save_module otelcol/dist "$dir/src"
  else
    "$dir/bin/builder" --config "$dir/manifest.yaml" --skip-compilation --skip-get-modules
    cp tools/modules/otelcol/dist/go.mod tools/modules/otelcol/dist/go.sum "$dir/src/"
  fi
  "$dir/bin/builder" --config "$dir/manifest.yaml" --skip-generate --skip-get-modules
  mv "$dir/src/otelcol" "$out/otelcol"
}

# Debian testing's rsyslog (8.2606 or later: omrelp's tls.permanentFailureDisablesAction) and
# librelp in a debootstrap root, and run-in-root, which runs a command there with this machine's
# /tmp, /dev, /proc and /etc/hosts: the agent's RELP-with-TLS tests run its rsyslogd as a plain
# process this way (Debian 12's 8.2302 lacks the parameter). Needs root and debootstrap.
build_rsyslog-testing() {
  local dir=$1 out=$2 v keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ "$(id -u)" = 0 ] || { echo "debootstrap needs root"; return 1; }
  command -v debootstrap >/dev/null || { echo "debootstrap is needed (apt-get install -y debootstrap)"; return 1; }
  [ -f "$keyring" ] || { echo "Debian's archive keyring is needed (apt-get install -y debian-archive-keyring)"; return 1; }
  # debootstrap builds Debian testing's suites with sid's script.
  debootstrap --variant=minbase --keyring="$keyring" --include=rsyslog,rsyslog-relp,rsyslog-openssl,openssl \
    "$RSYSLOG_TESTING_SUITE" "$out/root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" /usr/share/debootstrap/scripts/sid
  # shellcheck disable=SC2016 # dpkg-query's format, not the shell's
  v=$(chroot "$out/root" dpkg-query -W -f '${Version}' rsyslog)
  dpkg --compare-versions "$v" ge "$RSYSLOG_TESTING_MIN" || { echo "$RSYSLOG_TESTING_SUITE has rsyslog $v, older than $RSYSLOG_TESTING_MIN"; return 1; }
  # shellcheck disable=SC2016
  echo "rsyslog $v, librelp $(chroot "$out/root" dpkg-query -W -f '${Version}' librelp0)" >"$out/versions"
  touch "$out/root/etc/hosts"
  cat >"$out/run-in-root" <<'EOF'
#!/bin/sh
# run-in-root CMD [ARG...]: CMD in the root beside this script, with this machine's /tmp, /dev,
# /proc and /etc/hosts (a mount namespace of its own; the root is left as it was).
root=$(cd "$(dirname "$0")" && pwd)/root
exec unshare --mount --propagation private -- sh -c 'mount --rbind /tmp "$0/tmp" && mount --rbind /dev "$0/dev" &&
  mount -t proc proc "$0/proc" && mount --bind /etc/hosts "$0/etc/hosts" && exec chroot "$0" "$@"' "$root" "$@"
EOF
  chmod +x "$out/run-in-root"
}

# The modules a cached Go tool's binaries were built from (their build info: path, version,
# checksum) are all among those its committed go.sum files hold; a binary built from anything else
# (a version resolved by an older recipe, a changed lock) is not taken.
built_from_lock() {
  local t=$1 f extra
  [ "$(source_of "$t")" = "Go module" ] || return 0
  for f in "$(bindir "$t")"/*; do
    go version -m "$f" >/dev/null 2>&1 || continue # not a Go binary (kwok's stages, a script)
    extra=$(comm -23 <(go version -m "$f" | awk '$1 ~ /^(mod|dep|=>)$/ && $4 ~ /^h1:/ { print $2, $3, $4 }' | sort -u) \
      <(find "tools/modules/$t" -name go.sum -exec cat {} + | awk '$2 !~ /\/go\.mod$/ { print $1, $2, $3 }' | sort -u))
    if [ -n "$extra" ]; then
      echo "$t: $f was built from modules tools/modules/$t does not pin, e.g. $(head -1 <<<"$extra"): rebuilding"
      return 1
    fi
  done
}

install_tool() {
  local t=$1 out dir start
  binaries "$t" >/dev/null
  if [ "$LOCKING" != 1 ]; then
    if from_engine "$t"; then echo "$t: left to the engine (WEBSERVER_PROVIDER_FROM_REGISTRY=1: it downloads the release @pulumi/kubernetes asks for)"; return; fi
    if on_path "$t"; then echo "$t: using $(command -v "$(binaries "$t" | cut -d' ' -f1)") from PATH"; return; fi
    if cached "$t" && built_from_lock "$t"; then echo "$t $(version_of "$t"): cached in $(bindir "$t")"; return; fi
  fi
  out=$(bindir "$t")
  dir="$CACHE/build/$t"
  local partial="$CACHE/.partial-$t"
  if [ "$LOCKING" = 1 ]; then
    echo "$t $(version_of "$t"): resolving its modules into tools/modules/$t, then building with them"
  else
    echo "$t $(version_of "$t"): building from its $(source_of "$t") (cold; this takes minutes)"
  fi
  start=$(date +%s)
  rm -rf "$partial" "$partial.userland" && mkdir -p "$partial"
  # Each step must succeed: errexit holds inside the subshell only when it is not tested by an if.
  set +e
  (set -e; "build_$t" "$dir" "$partial") >"$CACHE/build-$t.log" 2>&1
  local rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    rm -rf "$partial" "$partial.userland"
    tail -25 "$CACHE/build-$t.log" >&2
    die "building $t $(version_of "$t") failed (full log: $CACHE/build-$t.log)"
  fi
  rm -rf "$(dirname "$out")" && mkdir -p "$(dirname "$out")" && mv "$partial" "$out"
  if [ -d "$partial.userland" ]; then mv "$partial.userland" "$(dirname "$out")/userland"; fi
  cached "$t" || die "$t built, but $(binaries "$t") missing in $out"
  echo "$t $(version_of "$t"): built in $(($(date +%s) - start)) s"
  # Other versions of this tool are of no more use (their names start with a digit after "$t-").
  local old
  for old in "$CACHE/$t-"[0-9]*; do [ "$old" = "$(dirname "$out")" ] || rm -rf "$old"; done
  rm -rf "$dir"
}

case "${1:-install}" in
  install)
    shift || true
    [ "$(source_of "${1:-}")" != "Go module" ] || command -v go >/dev/null || die "Go is needed to build the tools (go.dev/doc/install)"
    mkdir -p "$CACHE"
    [ $# -gt 0 ] || set -- "${ALL_TOOLS[@]}" "${NODE_TOOLS[@]}"
    for t in "$@"; do install_tool "$t"; done
    ;;
  locks)
    # Every Go tool's committed build modules against tools/versions.env (no build, no Go needed).
    status=0
    for t in "${ALL_TOOLS[@]}" "${NODE_TOOLS[@]}" "${EXTRA_TOOLS[@]}"; do
      [ "$(source_of "$t")" = "Go module" ] || continue
      for k in $(modules_of "$t"); do
        if check_lock "$k"; then echo "$k: $(pins_of "$k" | paste -sd ' ' - | sed 's/ v/@v/g')"; else status=1; fi
      done
    done
    exit "$status"
    ;;
  lock)
    # After a version in tools/versions.env changes: every module of the tool resolved again
    # (go get, go mod tidy), its go.mod and go.sum written to tools/modules/TOOL, and the tool built
    # from them into the cache. Review and commit the change.
    shift
    command -v go >/dev/null || die "Go is needed to lock the tools (go.dev/doc/install)"
    [ $# -gt 0 ] || die "usage: $0 lock TOOL... (a Go tool: ${ALL_TOOLS[*]} ${NODE_TOOLS[*]} ${EXTRA_TOOLS[*]})"
    for t in "$@"; do
      binaries "$t" >/dev/null
      [ "$(source_of "$t")" = "Go module" ] || die "$t is built from $(source_of "$t"), not a Go module: nothing to lock"
    done
    mkdir -p "$CACHE"
    LOCKING=1
    for t in "$@"; do rm -rf "tools/modules/$t" && install_tool "$t"; done
    ;;
  dir)
    [ $# -eq 2 ] || die "usage: $0 dir TOOL"
    binaries "$2" >/dev/null
    cached "$2" || die "$2 $(version_of "$2") is not built: run scripts/tools.sh install $2"
    if [ "$2" = uutils ]; then (cd "$(bindir uutils)/../userland" && pwd); else bindir "$2"; fi
    ;;
  path)
    p=""
    for t in "${ALL_TOOLS[@]}"; do from_engine "$t" || on_path "$t" || p="$p${p:+:}$(bindir "$t")"; done
    echo "$p"
    ;;
  list)
    for t in "${ALL_TOOLS[@]}" "${NODE_TOOLS[@]}" "${EXTRA_TOOLS[@]}"; do
      if from_engine "$t"; then w="engine"; elif on_path "$t"; then w="PATH"; elif cached "$t"; then w=$(bindir "$t"); else w="missing"; fi
      echo "$t $(version_of "$t") $w"
    done
    ;;
  *) die "usage: $0 install [TOOL...] | lock TOOL... | locks | path | list | dir TOOL" ;;
esac

