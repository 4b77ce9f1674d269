#!/usr/bin/env bash
# npm run cluster:up / cluster:down
#
# With kind and a running container engine: the kind cluster of kind-config.yaml (context
# kind-webserver), as users run it.
# Without them (or with CLUSTER=local): a Kubernetes control plane on loopback, built by
# scripts/tools.sh -- etcd, kube-apiserver (serving certificates made with openssl, PodSecurity
# admission on), kube-controller-manager, kube-scheduler -- with a real node (scripts/node.sh: a
# kubelet with containerd and runc, root needed) where pods run, and one kwok node, tainted so only
# pods that tolerate `kwok.x-k8s.io/node=fake:NoSchedule` land there (spread, disruption budgets).
# CLUSTER=kwok: the control plane with two kwok nodes and no real one (no root needed; pods are
# reported Running, no container runs). It writes its own kubeconfig (context webserver-local).
#
# All are idempotent; `down` removes everything `up` made, and says so when nothing is there.
# `mode` prints which `up` makes (kind, local or kwok); `kubeconfig` where its kubeconfig is.
# `up` says which it starts, and why not kind.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$(sed -n 's/^name: *//p' kind-config.yaml)
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/webserver-sidecar
STATE=${WEBSERVER_CLUSTER_DIR:-$CACHE_DIR/cluster}
KUBECONFIG_LOCAL="$STATE/kubeconfig"
# Ports on 127.0.0.1 only; override when taken.
APISERVER_PORT=${APISERVER_PORT:-16443}
ETCD_PORT=${ETCD_PORT:-12379}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-12380}
# The kwok nodes: with the real node, one (tainted); with CLUSTER=kwok, two.
KWOK_NODES=(kwok-node-1)
[ "${CLUSTER:-auto}" != kwok ] || KWOK_NODES=(kwok-node-0 kwok-node-1)

die() { echo "cluster: $*" >&2; exit 1; }

# kind_usable: kind and a running container engine, or why not (into WHY_NOT_KIND).
WHY_NOT_KIND=""
kind_usable() {
  if ! command -v kind >/dev/null 2>&1; then WHY_NOT_KIND="kind is not installed"; return 1; fi
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then return 0; fi
  if command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
    export KIND_EXPERIMENTAL_PROVIDER=podman
    return 0
  fi
  WHY_NOT_KIND="no running container engine for kind (docker info and podman info failed)"
  return 1
}

mode() {
  case ${CLUSTER:-auto} in
    kind) kind_usable || die "CLUSTER=kind, but $WHY_NOT_KIND"; echo kind ;;
    local | kwok) echo "$CLUSTER" ;;
    auto) if kind_usable; then echo kind; else echo local; fi ;;
    *) die "CLUSTER must be kind, local, kwok or auto, not '${CLUSTER}'" ;;
  esac
}

# --- kind ---------------------------------------------------------------------------------------
kind_up() {
  if kind get clusters 2>/dev/null | grep -qx "$name"; then
    echo "kind cluster $name exists (context kind-$name)"
  else
    kind create cluster --config kind-config.yaml
  fi
  kubectl cluster-info --context "kind-$name" >/dev/null && echo "ready: kubectl context kind-$name"
}
kind_down() {
  if command -v kind >/dev/null 2>&1 && kind get clusters 2>/dev/null | grep -qx "$name"; then
    kind delete cluster --name "$name"
  else
    echo "no kind cluster $name"
  fi
}

# --- local control plane ------------------------------------------------------------------------
tool_path() {
  local p
  p=$(bash scripts/tools.sh path) || die "scripts/tools.sh path failed"
  export PATH="$p:$PATH"
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl; do
    command -v "$b" >/dev/null 2>&1 || die "$b is missing: run npm run tools (scripts/tools.sh install) first"
  done
}

certs() {
  local d="$STATE/pki"
  [ -f "$d/admin.crt" ] && return
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=webserver-local-ca" 2>/dev/null
    cat >server.ext <<'EOF'
subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:127.0.0.1,IP:10.96.0.1
extendedKeyUsage=serverAuth
EOF
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 3650 -extfile server.ext 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    # system:masters: the administrator's group, as kind's admin kubeconfig has.
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=kubernetes-admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 3650 -extfile client.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr
  )
}

kubeconfig() {
  local d="$STATE/pki"
  cat >"$KUBECONFIG_LOCAL" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: webserver-local
    cluster:
      server: https://127.0.0.1:$APISERVER_PORT
      certificate-authority: $d/ca.crt
users:
  - name: webserver-local-admin
    user:
      client-certificate: $d/admin.crt
      client-key: $d/admin.key
contexts:
  - name: webserver-local
    context: { cluster: webserver-local, user: webserver-local-admin, namespace: default }
current-context: webserver-local
EOF
}

running() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
# stop_process NAME: TERM, then KILL after 10 s; true when it was running.
stop_process() {
  running "$1" || return 1
  kill "$(cat "$STATE/$1.pid")" 2>/dev/null || true
  for _ in $(seq 1 40); do running "$1" || return 0; sleep 0.25; done
  kill -9 "$(cat "$STATE/$1.pid")" 2>/dev/null || true
}
start() {
  local n=$1; shift
  running "$n" && return
  setsid "$@" >"$STATE/$n.log" 2>&1 </dev/null &
  echo $! >"$STATE/$n.pid"
}
# wait_for WHAT SECONDS CMD...: poll until CMD succeeds, or fail naming WHAT and its log.
wait_for() {
  local what=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 2; i++)); do
    "$@" >/dev/null 2>&1 && return
    sleep 0.5
  done
  tail -20 "$STATE/$what.log" >&2 2>/dev/null || true
  die "$what did not come up within ${secs}s (log: $STATE/$what.log)"
}
k() { kubectl --kubeconfig "$KUBECONFIG_LOCAL" "$@"; }

local_up() {
  local with_node=$1
  tool_path
  [ -z "$with_node" ] || node_preflight
  mkdir -p "$STATE"
  certs
  [ -z "$with_node" ] || node_certs
  kubeconfig
  local d="$STATE/pki" kubelet_flags=()
  # shellcheck disable=SC2207 # the flags are words without spaces
  [ -z "$with_node" ] || kubelet_flags=($(node_apiserver_flags))
  start etcd etcd --name webserver-local --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "webserver-local=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
  wait_for etcd 60 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
  # PodSecurity is among the default admission plugins; named here so it stays on.
  start kube-apiserver kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$d/apiserver.crt" --tls-private-key-file "$d/apiserver.key" --client-ca-file "$d/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$d/sa.pub" --service-account-signing-key-file "$d/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --authorization-mode Node,RBAC \
    --enable-admission-plugins NamespaceLifecycle,ServiceAccount,PodSecurity,DefaultStorageClass,ResourceQuota,LimitRanger \
    "${kubelet_flags[@]}"
  wait_for kube-apiserver 120 k get --raw /readyz
  start kube-controller-manager kube-controller-manager --kubeconfig "$KUBECONFIG_LOCAL" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
    --service-account-private-key-file "$d/sa.key" --root-ca-file "$d/ca.crt" \
    --use-service-account-credentials
  start kube-scheduler kube-scheduler --kubeconfig "$KUBECONFIG_LOCAL" --authentication-kubeconfig "$KUBECONFIG_LOCAL" \
    --authorization-kubeconfig "$KUBECONFIG_LOCAL" --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false
  # kwok (the Stages tools.sh put beside it): nodes Ready, alive through leases it renews (without
  # them the node lifecycle controller marks the nodes NotReady and evicts their pods); pods bound
  # to its nodes Running and Ready, with an IP from --cidr.
  local stages
  stages=${KWOK_STAGES:-"$(dirname "$(command -v kwok)")/kwok-stages.yaml"}
  [ -f "$stages" ] || die "kwok's stages are missing ($stages): set KWOK_STAGES to a file of kwok Stages, or let npm run tools build kwok"
  [ -z "$with_node" ] || node_up
  # Its pod addresses apart from the real node's (10.244.0.0/24).
  start kwok kwok --kubeconfig "$KUBECONFIG_LOCAL" --config "$stages" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --cidr 10.245.0.0/16 \
    --node-ip 10.0.0.1 --server-address 127.0.0.1:0 --node-lease-duration-seconds 40
  local n i taints=""
  # Beside a real node, only what tolerates it lands on a kwok node.
  [ -z "$with_node" ] || taints="taints: [{ key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule }]"
  for i in "${!KWOK_NODES[@]}"; do
    n=${KWOK_NODES[$i]}
    k get node "$n" >/dev/null 2>&1 || k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $n
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
  labels:
    kubernetes.io/hostname: $n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    topology.kubernetes.io/zone: zone-${n##*-}
spec:
  $taints
status:
  allocatable: { cpu: "8", memory: 16Gi, ephemeral-storage: 100Gi, pods: "110" }
  capacity: { cpu: "8", memory: 16Gi, ephemeral-storage: 100Gi, pods: "110" }
EOF
  done
  wait_for kwok 60 bash -c "[ \"\$(kubectl --kubeconfig '$KUBECONFIG_LOCAL' get nodes -o jsonpath='{.items[*].status.conditions[?(@.type==\"Ready\")].status}')\" = 'True True' ]"
  wait_for kube-controller-manager 60 k get serviceaccount default -n default
  # The node lifecycle controller lifts the not-ready taints once the nodes report Ready.
  wait_for kube-controller-manager 60 bash -c "! kubectl --kubeconfig '$KUBECONFIG_LOCAL' get nodes -o jsonpath='{.items[*].spec.taints[*].key}' | grep -q node.kubernetes.io/not-ready"
  if [ -n "$with_node" ]; then
    echo "ready: a local control plane with the real node $NODE_NAME (pods run there) and the kwok node ${KWOK_NODES[*]} (tainted: only pods that tolerate kwok.x-k8s.io/node=fake land there, reported Running, no container runs)"
  else
    echo "ready: a local control plane with ${#KWOK_NODES[@]} kwok nodes (CLUSTER=kwok: no kubelet, pods are reported Running, no container runs)"
  fi
  echo "  export KUBECONFIG=$KUBECONFIG_LOCAL   # context webserver-local"
}

local_down() {
  local any="" n
  # The node first (its pods stopped, its mounts, chains and bridge gone), while the API server answers.
  if [ -d "$NODE_DIR" ]; then any=1; node_down; fi
  for n in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    if stop_process "$n"; then any=1; fi
  done
  if [ -d "$STATE" ]; then any=1; rm -rf "$STATE"; fi
  if [ -n "$any" ]; then echo "local control plane stopped and removed ($STATE)"; else echo "no local control plane"; fi
}

# shellcheck source=scripts/node.sh
. scripts/node.sh

case "${1:-}" in
  up | kubeconfig | mode) MODE=$(mode) || exit 1 ;;
esac
case "${1:-}" in
  up)
    case $MODE in
      kind) echo "cluster: kind (kind-config.yaml)"; kind_up ;;
      local)
        if [ "${CLUSTER:-auto}" = auto ]; then kind_usable || echo "cluster: not kind ($WHY_NOT_KIND): the local control plane with a real node"; fi
        local_up node
        ;;
      kwok) echo "cluster: CLUSTER=kwok: the local control plane with kwok nodes only (no container runs)"; local_up "" ;;
    esac
    ;;
  down)
    # Both, so a cluster made under another mode is not left behind.
    kind_down
    local_down
    ;;
  mode) echo "$MODE" ;;
  kubeconfig) if [ "$MODE" = kind ]; then echo "${KUBECONFIG:-$HOME/.kube/config}"; else echo "$KUBECONFIG_LOCAL"; fi ;;
  *) die "usage: $0 up|down|kubeconfig|mode" ;;
esac
