#!/usr/bin/env bash
# npm run cluster:up / cluster:down
#
# With kind and a running container engine: the kind cluster of kind-config.yaml (context
# kind-webserver), as users run it.
# Without them (or with CLUSTER=local): a Kubernetes control plane on loopback, built by
# scripts/tools.sh -- etcd, kube-apiserver (serving certificates made with openssl, PodSecurity
# admission on), kube-controller-manager, kube-scheduler -- and kwok playing two nodes, so
# scheduled pods are reported Running and Ready with an IP. No container runs under kwok.
# It writes its own kubeconfig (context webserver-local) and prints how to use it.
#
# Both are idempotent; `down` removes everything `up` made, and says so when nothing is there.
# `mode` prints which `up` makes (kind or local); `kubeconfig` where its kubeconfig is.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$(sed -n 's/^name: *//p' kind-config.yaml)
STATE=${WEBSERVER_CLUSTER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webserver-sidecar/cluster}
KUBECONFIG_LOCAL="$STATE/kubeconfig"
# Ports on 127.0.0.1 only; override when taken.
APISERVER_PORT=${APISERVER_PORT:-16443}
ETCD_PORT=${ETCD_PORT:-12379}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-12380}
NODES=(kwok-node-0 kwok-node-1)

die() { echo "cluster: $*" >&2; exit 1; }

kind_usable() {
  command -v kind >/dev/null 2>&1 || return 1
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then return 0; fi
  if command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
    export KIND_EXPERIMENTAL_PROVIDER=podman
    return 0
  fi
  return 1
}

mode() {
  case ${CLUSTER:-auto} in
    kind) kind_usable || die "CLUSTER=kind, but kind or a running container engine is missing"; echo kind ;;
    local) echo local ;;
    auto) if kind_usable; then echo kind; else echo local; fi ;;
    *) die "CLUSTER must be kind, local or auto, not '${CLUSTER}'" ;;
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
  tool_path
  mkdir -p "$STATE"
  certs
  kubeconfig
  local d="$STATE/pki"
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
    --enable-admission-plugins NamespaceLifecycle,ServiceAccount,PodSecurity,DefaultStorageClass,ResourceQuota,LimitRanger
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
  start kwok kwok --kubeconfig "$KUBECONFIG_LOCAL" --config "$stages" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --cidr 10.244.0.0/16 \
    --node-ip 10.0.0.1 --server-address 127.0.0.1:0 --node-lease-duration-seconds 40
  local n i
  for i in "${!NODES[@]}"; do
    n=${NODES[$i]}
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
    topology.kubernetes.io/zone: zone-$i
status:
  allocatable: { cpu: "8", memory: 16Gi, ephemeral-storage: 100Gi, pods: "110" }
  capacity: { cpu: "8", memory: 16Gi, ephemeral-storage: 100Gi, pods: "110" }
EOF
  done
  wait_for kwok 60 bash -c "[ \"\$(kubectl --kubeconfig '$KUBECONFIG_LOCAL' get nodes -o jsonpath='{.items[*].status.conditions[?(@.type==\"Ready\")].status}')\" = 'True True' ]"
  wait_for kube-controller-manager 60 k get serviceaccount default -n default
  # The node lifecycle controller lifts the not-ready taint once kwok reports the nodes Ready.
  wait_for kube-controller-manager 60 bash -c "[ -z \"\$(kubectl --kubeconfig '$KUBECONFIG_LOCAL' get nodes -o jsonpath='{.items[*].spec.taints}')\" ]"
  echo "ready: a local control plane with ${#NODES[@]} kwok nodes (no kubelet: pods are reported Running, no container runs)"
  echo "  export KUBECONFIG=$KUBECONFIG_LOCAL   # context webserver-local"
}

local_down() {
  local any="" n
  for n in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    if running "$n"; then
      any=1
      kill "$(cat "$STATE/$n.pid")" 2>/dev/null || true
      for _ in $(seq 1 40); do running "$n" || break; sleep 0.25; done
      if running "$n"; then kill -9 "$(cat "$STATE/$n.pid")" 2>/dev/null || true; fi
    fi
  done
  if [ -d "$STATE" ]; then any=1; rm -rf "$STATE"; fi
  if [ -n "$any" ]; then echo "local control plane stopped and removed ($STATE)"; else echo "no local control plane"; fi
}

case "${1:-}" in
  up | kubeconfig | mode) MODE=$(mode) || exit 1 ;;
esac
case "${1:-}" in
  up) if [ "$MODE" = kind ]; then kind_up; else local_up; fi ;;
  down)
    # Both, so a cluster made under another mode is not left behind.
    kind_down
    local_down
    ;;
  mode) echo "$MODE" ;;
  kubeconfig) if [ "$MODE" = kind ]; then echo "${KUBECONFIG:-$HOME/.kube/config}"; else echo "$KUBECONFIG_LOCAL"; fi ;;
  *) die "usage: $0 up|down|kubeconfig|mode" ;;
esac
