#!/usr/bin/env bash
# npm run cluster:up / cluster:down -- the kind cluster of kind-config.yaml (context kind-webserver).
# Idempotent. Fails with one clear line when kind or a container engine is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$(sed -n 's/^name: *//p' kind-config.yaml)

die() { echo "error: $*" >&2; exit 1; }

command -v kind >/dev/null 2>&1 ||
  die "kind is not installed; see https://kind.sigs.k8s.io/docs/user/quick-start/#installation (e.g. 'go install sigs.k8s.io/kind@latest')"
if ! { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }; then
  if command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
    export KIND_EXPERIMENTAL_PROVIDER=podman
  else
    die "kind needs a running container engine: start Docker, or install podman (KIND_EXPERIMENTAL_PROVIDER=podman is then set for you)"
  fi
fi

case "${1:-}" in
  up)
    if kind get clusters 2>/dev/null | grep -qx "$name"; then
      echo "kind cluster $name exists (context kind-$name)"
    else
      kind create cluster --config kind-config.yaml
    fi
    kubectl cluster-info --context "kind-$name" >/dev/null && echo "ready: kubectl context kind-$name"
    ;;
  down)
    if kind get clusters 2>/dev/null | grep -qx "$name"; then kind delete cluster --name "$name"; else echo "no kind cluster $name"; fi
    ;;
  *) die "usage: $0 up|down" ;;
esac
