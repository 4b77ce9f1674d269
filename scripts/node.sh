# The local cluster's real node, sourced by scripts/cluster.sh (which gives STATE, KUBECONFIG_LOCAL,
# APISERVER_PORT, the CA in $STATE/pki, and start/running/wait_for/die/k): a kubelet with containerd
# and runc, a bridge pod network (CNI plugins), kube-proxy for Services, CoreDNS for their names, the
# local-path provisioner for claims, and a registry (crane) serving the project's stand-in images
# under the names the pods ask for. Every binary comes from scripts/tools.sh (tools/versions.env).
# Needs root: the kubelet and containerd manage cgroups, mounts and network namespaces.
#
# What it changes on the machine, all undone by node_down: a bridge `webserver0` (10.244.0.1/24),
# kube-proxy's iptables chains, cgroups under `kubepods`, mounts under $STATE/node, and three sysctls
# the kubelet sets (kernel.panic, kernel.panic_on_oops, vm.overcommit_memory), restored as they were.
# shellcheck shell=bash

NODE_NAME=${NODE_NAME:-webserver-node}
REGISTRY_PORT=${REGISTRY_PORT:-15000}
KUBELET_PORT=${KUBELET_PORT:-10250}
NODE_DIR=$STATE/node
BRIDGE=webserver0
POD_SUBNET=10.244.0.0/24
POD_GATEWAY=10.244.0.1
# The sysctls the kubelet sets on start (its defaults for a node); recorded before and restored after.
KUBELET_SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory)

node_tool() { bash scripts/tools.sh dir "$1"; }

# The address the node registers (the kubelet refuses a loopback one): the default route's source.
node_ip() {
  local ip
  ip=$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n 1)
  [ -n "$ip" ] || ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
  [ -n "$ip" ] || die "the node needs a non-loopback IPv4 address (none found with ip addr): the kubelet refuses 127.0.0.1"
  echo "$ip"
}

node_preflight() {
  [ "$(id -u)" = 0 ] || die "the local cluster's node needs root (the kubelet and containerd manage cgroups, mounts and network namespaces); run as root, or CLUSTER=kwok for a control plane with kwok nodes only"
  local t
  for t in kubelet containerd runc cni-plugins coredns crane local-path-provisioner; do
    node_tool "$t" >/dev/null || die "$t is not built: run npm run tools (scripts/tools.sh install)"
  done
  command -v podman >/dev/null || die "podman is needed to build the node's stand-in images (apt-get install -y podman)"
  command -v iptables >/dev/null || die "iptables is needed by kube-proxy (apt-get install -y iptables)"
  command -v node >/dev/null || die "Node.js is needed to build the node's stand-in images"
  local port
  for port in "$REGISTRY_PORT" "$KUBELET_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port $port on 127.0.0.1 is in use (REGISTRY_PORT / KUBELET_PORT choose others)"
    fi
  done
}

node_certs() {
  local d=$STATE/pki
  [ -f "$d/node.crt" ] && return
  (
    cd "$d" || exit 1
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    # The kubelet's identity: the Node authorizer gives a node just what it needs.
    openssl req -newkey rsa:2048 -nodes -keyout node.key -out node.csr \
      -subj "/O=system:nodes/CN=system:node:$NODE_NAME" 2>/dev/null
    openssl x509 -req -in node.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out node.crt -days 3650 -extfile client.ext 2>/dev/null
    # The API server's identity towards the kubelet (exec, logs, port-forward).
    openssl req -newkey rsa:2048 -nodes -keyout apiserver-kubelet-client.key -out apiserver-kubelet-client.csr \
      -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" 2>/dev/null
    openssl x509 -req -in apiserver-kubelet-client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver-kubelet-client.crt -days 3650 -extfile client.ext 2>/dev/null
    rm -f ./*.csr
  )
}

# The API server's flags that let it reach the kubelet.
node_apiserver_flags() {
  local d=$STATE/pki
  echo "--kubelet-client-certificate $d/apiserver-kubelet-client.crt --kubelet-client-key $d/apiserver-kubelet-client.key --kubelet-preferred-address-types InternalIP"
}

node_registry_up() {
  local crane
  crane=$(node_tool crane)/crane
  # Blobs on disk outside the cluster's state, so a second cluster:up pushes nothing new.
  mkdir -p "$CACHE_DIR/node-registry"
  start registry "$crane" registry serve --address "127.0.0.1:$REGISTRY_PORT" --disk "$CACHE_DIR/node-registry"
  wait_for registry 30 curl -sf "http://127.0.0.1:$REGISTRY_PORT/v2/"
  echo "node images (a registry on 127.0.0.1:$REGISTRY_PORT mirroring docker.io for the node; stand-ins, never pulled):"
  node -r sucrase/register/ts scripts/node-images.ts "127.0.0.1:$REGISTRY_PORT" "$crane" ||
    die "putting the stand-in images into the node's registry failed (above)"
}

node_containerd_up() {
  local c=$NODE_DIR/containerd runc cni
  runc=$(node_tool runc)/runc
  cni=$(node_tool cni-plugins)
  mkdir -p "$c/certs.d/docker.io" "$c/certs.d/127.0.0.1:$REGISTRY_PORT" "$NODE_DIR/cni/net.d"
  # docker.io's images come from the node's registry; nothing else is reached.
  cat >"$c/certs.d/docker.io/hosts.toml" <<EOF
server = "https://registry-1.docker.io"
[host."http://127.0.0.1:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve"]
EOF
  cat >"$c/certs.d/127.0.0.1:$REGISTRY_PORT/hosts.toml" <<EOF
server = "http://127.0.0.1:$REGISTRY_PORT"
EOF
  cat >"$c/config.toml" <<EOF
version = 3
root = "$c/root"
state = "$c/state"
[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd.sock.ttrpc"
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "127.0.0.1:$REGISTRY_PORT/webserver-node/pause:standin"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "$c/certs.d"
[plugins."io.containerd.cri.v1.runtime"]
  # This machine's processes may not lower oom_score_adj (no CAP_SYS_RESOURCE): without this every
  # sandbox fails ("can't get final child's PID from pipe: EOF").
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
      BinaryName = "$runc"
      SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$cni"]
    conf_dir = "$NODE_DIR/cni/net.d"
EOF
  # The pod network: one bridge, addresses from host-local, traffic leaving the node masqueraded.
  cat >"$NODE_DIR/cni/net.d/10-webserver.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "webserver",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$NODE_DIR/cni/ipam",
                "ranges": [[{ "subnet": "$POD_SUBNET", "gateway": "$POD_GATEWAY" }]],
                "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  # containerd starts its shim from its own PATH.
  start containerd env PATH="$(node_tool containerd):$PATH" "$(node_tool containerd)/containerd" --config "$c/config.toml"
  wait_for containerd 60 "$(node_tool containerd)/ctr" --address "$c/containerd.sock" version
}

# The bridge, made here so CoreDNS can listen on its address before the first pod exists (the
# bridge plugin takes a bridge of its name as it finds it).
node_bridge_up() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr show dev "$BRIDGE" | grep -q "inet $POD_GATEWAY/" || ip addr add "$POD_GATEWAY/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

node_dns_up() {
  cat >"$NODE_DIR/Corefile" <<EOF
.:53 {
    bind $POD_GATEWAY
    errors
    health 127.0.0.1:18080
    ready 127.0.0.1:18181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $KUBECONFIG_LOCAL webserver-local
        pods insecure
    }
    cache 30
    loop
    loadbalance
}
EOF
  start coredns "$(node_tool coredns)/coredns" -conf "$NODE_DIR/Corefile"
  wait_for coredns 60 curl -sf http://127.0.0.1:18181/ready
}

node_kubelet_up() {
  local ip=$1 k=$NODE_DIR/kubelet d=$STATE/pki s
  mkdir -p "$k" "$NODE_DIR/pod-logs"
  for s in "${KUBELET_SYSCTLS[@]}"; do
    [ -f "$NODE_DIR/sysctl.$s" ] || sysctl -n "$s" >"$NODE_DIR/sysctl.$s"
  done
  cat >"$NODE_DIR/kubelet.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: webserver-local
    cluster: { server: "https://127.0.0.1:$APISERVER_PORT", certificate-authority: "$d/ca.crt" }
users:
  - name: node
    user: { client-certificate: "$d/node.crt", client-key: "$d/node.key" }
contexts:
  - name: node
    context: { cluster: webserver-local, user: node }
current-context: node
EOF
  cat >"$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine's cgroups are v1 (hybrid): Kubernetes 1.35+ refuses them unless told (docs/tools.md).
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
# The kubelet would add KUBE-FIREWALL (dropping non-loopback traffic to 127/8) and other chains.
makeIPTablesUtilChains: false
containerRuntimeEndpoint: unix://$NODE_DIR/containerd/containerd.sock
podLogsDir: $NODE_DIR/pod-logs
port: $KUBELET_PORT
address: $ip
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: "$d/ca.crt" }
authorization:
  mode: Webhook
clusterDomain: cluster.local
clusterDNS: [$POD_GATEWAY]
resolvConf: /etc/resolv.conf
# No swap, no static pods, images kept (they come from the node's registry, which is cheap to ask).
staticPodPath: ""
imageGCHighThresholdPercent: 100
serializeImagePulls: false
EOF
  start kubelet "$(node_tool kubelet)/kubelet" --config "$NODE_DIR/kubelet.yaml" \
    --kubeconfig "$NODE_DIR/kubelet.kubeconfig" --root-dir "$k" --cert-dir "$k/pki" \
    --hostname-override "$NODE_NAME" --node-ip "$ip" \
    --node-labels "kubernetes.io/os=linux,topology.kubernetes.io/zone=zone-0,webserver.local/node=real"
  node_wait_ready
}

# The node Ready, or cluster:up fails with the kubelet's own last words.
node_wait_ready() {
  local i
  for ((i = 0; i < 240; i++)); do
    [ "$(k get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ] && return
    running kubelet || break
    sleep 0.5
  done
  echo "the kubelet's log (last lines, $STATE/kubelet.log):" >&2
  grep -E '^E|error|failed|refus' "$STATE/kubelet.log" | tail -15 >&2 || tail -15 "$STATE/kubelet.log" >&2
  echo "containerd's log (last errors, $STATE/containerd.log):" >&2
  grep -E 'level=(error|fatal)' "$STATE/containerd.log" | tail -5 >&2 || true
  die "the node $NODE_NAME did not become Ready (the kubelet's reason above)"
}

node_proxy_up() {
  start kube-proxy "$(node_tool kubelet)/kube-proxy" --kubeconfig "$KUBECONFIG_LOCAL" \
    --hostname-override "$NODE_NAME" --cluster-cidr "$POD_SUBNET" --proxy-mode iptables \
    --conntrack-max-per-core 0 --healthz-bind-address 127.0.0.1:10256 --metrics-bind-address 127.0.0.1:10249
  wait_for kube-proxy 60 curl -sf http://127.0.0.1:10256/healthz
}

# NetworkPolicies, enforced: kube-network-policies (sigs.k8s.io), as a process. Its dataplane is an
# nftables rule queueing each new connection to its nfqueue listener, which judges the connection
# against the cluster's NetworkPolicies and accepts or drops it. This kernel has no nftables `queue`
# expression (CONFIG_NFT_QUEUE), so that rule fails to load (it says so in its log, and retries);
# the same queueing is an iptables rule here, through the xt NFQUEUE target the kernel has: each new
# TCP connection from or to the pod network, but those of root's own processes on the node (the
# kubelet's probes), which kube-network-policies exempts too. --queue-bypass: with the listener
# gone, connections pass (as without a policy engine), never hang. It reads the API server as a pod
# does (in-cluster config: a ServiceAccount's token and the cluster's CA where a pod has them), in
# a mount namespace of its own, so nothing is written under the machine's /run.
NETPOL_QUEUE=100
NETPOL_CHAIN=WEBSERVER-NETPOL
node_netpol_rules() {
  iptables -w -t mangle -N "$NETPOL_CHAIN" 2>/dev/null || iptables -w -t mangle -F "$NETPOL_CHAIN"
  iptables -w -t mangle -C POSTROUTING -j "$NETPOL_CHAIN" 2>/dev/null || iptables -w -t mangle -A POSTROUTING -j "$NETPOL_CHAIN"
  iptables -w -t mangle -A "$NETPOL_CHAIN" -m owner --uid-owner 0 -j RETURN
  local dir
  for dir in -d -s; do
    iptables -w -t mangle -A "$NETPOL_CHAIN" -p tcp -m conntrack --ctstate NEW "$dir" "$POD_SUBNET" \
      -j NFQUEUE --queue-num "$NETPOL_QUEUE" --queue-bypass
  done
}
node_netpol_down() {
  iptables -w -t mangle -D POSTROUTING -j "$NETPOL_CHAIN" 2>/dev/null || true
  iptables -w -t mangle -F "$NETPOL_CHAIN" 2>/dev/null || true
  iptables -w -t mangle -X "$NETPOL_CHAIN" 2>/dev/null || true
}
node_netpol_up() {
  local d=$NODE_DIR/netpol
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: { name: kube-network-policies, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: kube-network-policies }
rules:
  - { apiGroups: [""], resources: [pods, namespaces], verbs: [list, watch] }
  - { apiGroups: [networking.k8s.io], resources: [networkpolicies], verbs: [list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kube-network-policies }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kube-network-policies }
subjects: [{ kind: ServiceAccount, name: kube-network-policies, namespace: kube-system }]
EOF
  mkdir -p "$d" && chmod 700 "$d"
  k create token kube-network-policies -n kube-system --duration 48h >"$d/token"
  cp "$STATE/pki/ca.crt" "$d/ca.crt"
  # shellcheck disable=SC2016 # expanded by the inner shell
  start kube-network-policies unshare --mount --propagation private sh -c '
    set -e; d=$1; shift
    mount -t tmpfs -o mode=0755 tmpfs /run
    mkdir -p /run/secrets/kubernetes.io/serviceaccount
    cp "$d/token" "$d/ca.crt" /run/secrets/kubernetes.io/serviceaccount/
    exec "$@"' sh "$d" \
    env KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$APISERVER_PORT" \
    "$(node_tool kube-network-policies)/kube-network-policies" --hostname-override "$NODE_NAME" \
    --nfqueue-id "$NETPOL_QUEUE" --disable-nri --metrics-bind-address 127.0.0.1:9080 --v=2
  # Bound to its queue once it has read the cluster: then the rule starts sending it connections.
  wait_for kube-network-policies 60 grep -qE "^ *$NETPOL_QUEUE " /proc/net/netfilter/nfnetlink_queue
  node_netpol_rules
}

# Claims: the local-path provisioner (as a process; its helper pods run on the node) and its
# StorageClass, the cluster's default, as kind has.
node_storage_up() {
  local p=$NODE_DIR/local-path
  mkdir -p "$p/volumes"
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: { name: local-path-storage }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: local-path-provisioner, namespace: local-path-storage }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
---
apiVersion: v1
kind: ConfigMap
metadata: { name: local-path-config, namespace: local-path-storage }
data:
  config.json: |-
    { "nodePathMap": [ { "node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": ["$p/volumes"] } ] }
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "\$VOL_DIR"
  helperPod.yaml: |-
    apiVersion: v1
    kind: Pod
    metadata: { name: helper-pod }
    spec:
      priorityClassName: system-node-critical
      tolerations: [{ key: node.kubernetes.io/disk-pressure, operator: Exists, effect: NoSchedule }]
      containers:
        - name: helper-pod
          image: ubuntu:24.04
          imagePullPolicy: IfNotPresent
EOF
  k get configmap local-path-config -n local-path-storage -o jsonpath='{.data.config\.json}' >"$p/config.json"
  start local-path-provisioner "$(node_tool local-path-provisioner)/local-path-provisioner" start \
    --kubeconfig "$KUBECONFIG_LOCAL" --config "$p/config.json" --namespace local-path-storage \
    --service-account-name local-path-provisioner --provisioner-name rancher.io/local-path --helper-image ubuntu:24.04
  wait_for local-path-provisioner 30 grep -q "Started provisioner controller" "$STATE/local-path-provisioner.log"
}

node_up() {
  node_preflight
  local ip
  ip=$(node_ip)
  mkdir -p "$NODE_DIR"
  node_registry_up
  node_containerd_up
  node_bridge_up
  node_dns_up
  node_kubelet_up "$ip"
  node_proxy_up
  node_netpol_up
  node_storage_up
  echo "node $NODE_NAME ($ip): kubelet $(node_tool kubelet | sed 's#.*/kubelet-\([^/]*\)/bin#\1#'), containerd $(node_tool containerd | sed 's#.*/containerd-\([^/]*\)/bin#\1#'), runc $(node_tool runc | sed 's#.*/runc-\([^/]*\)/bin#\1#'), pods on $BRIDGE ($POD_SUBNET), Services by kube-proxy (iptables), NetworkPolicies by kube-network-policies (nfqueue $NETPOL_QUEUE), DNS by CoreDNS at $POD_GATEWAY, claims by local-path"
}

# Everything node_up made, in the order that leaves nothing behind: no pod stays running, no mount,
# chain, cgroup or bridge stays, the sysctls are as they were.
node_down() {
  local n c=$NODE_DIR/containerd ctr
  node_netpol_down
  for n in local-path-provisioner kube-network-policies kube-proxy kubelet coredns; do stop_process "$n" || true; done
  if [ -d "$c" ]; then
    ctr=$(node_tool containerd 2>/dev/null)/ctr
    if [ -S "$c/containerd.sock" ] && running containerd && [ -x "$ctr" ]; then
      # Every container's task killed and removed, then the containers.
      local id
      for id in $("$ctr" --address "$c/containerd.sock" -n k8s.io tasks list -q 2>/dev/null); do
        "$ctr" --address "$c/containerd.sock" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
      done
      sleep 1
      for id in $("$ctr" --address "$c/containerd.sock" -n k8s.io containers list -q 2>/dev/null); do
        "$ctr" --address "$c/containerd.sock" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true
        "$ctr" --address "$c/containerd.sock" -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
      done
    fi
    stop_process containerd || true
    # The shims of this containerd (each serves a pod), should any be left.
    pkill -9 -f "containerd-shim-runc-v2 .*-address $c/containerd.sock" 2>/dev/null || true
  fi
  stop_process registry || true
  if [ -x "$(node_tool kubelet 2>/dev/null)/kube-proxy" ]; then
    "$(node_tool kubelet)/kube-proxy" --cleanup >/dev/null 2>&1 || true
  fi
  # Mounts under the node's directory (the kubelet bind-mounts its root onto itself; pods' volumes,
  # network namespaces, overlay snapshots), deepest first.
  if [ -d "$NODE_DIR" ]; then
    findmnt -rn -o TARGET | { grep "^$NODE_DIR" || true; } | sort -r | while read -r n; do umount -l "$n" 2>/dev/null || true; done
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
  # The pods' cgroups (cgroupfs driver: kubepods under each controller).
  local cg
  for cg in /sys/fs/cgroup/*/kubepods; do
    [ ! -d "$cg" ] || find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  local s
  for s in "${KUBELET_SYSCTLS[@]}"; do
    [ ! -f "$NODE_DIR/sysctl.$s" ] || sysctl -q -w "$s=$(cat "$NODE_DIR/sysctl.$s")"
  done
  return 0
}
