// Every default, preset value and bound of the component, in one place. The checkers in
// validate/ apply them; the manifest builder reads the validated model only.
import { ResolvedWebserverPodArgs } from "./args";
import { retentionMinBytes } from "./retention";

/** The seed's values: with no options, the component renders exactly the seed spec (the classic sidecar example). */
export const SEED = {
    podName: "webserver",
    volumeName: "shared-logs",
    logDir: "/var/log/nginx",
    nginxContainer: "nginx-container",
    nginxImage: "nginx:latest",
    sidecarContainer: "sidecar-container",
    sidecarImage: "ubuntu:latest",
    /** The seed's `sleep 30` between two `cat`s. */
    catLoopPeriodSeconds: 30,
} as const;

/**
 * The images the component picks by itself beyond the seed's, each an exact release: a moving tag
 * (`nginx:latest`, `ubuntu:latest`) changes under a running stack -- `ubuntu:latest` is 26.04 now,
 * whose coreutils are uutils', not the GNU ones the stream shipper's checkpoint relies on
 * (docs/images.md). To update one: pick the publisher's newer tag, run the e2e where it can be
 * pulled (ci.yml does, with CI_REQUIRE_REAL_IMAGES=1), change it here. No digests: none is
 * confirmed by its publisher here, and a wrong one breaks every user's pull.
 */
export const IMAGES = {
    /** nginx's stable line, Debian based: the `nginx` user (101) the restricted profile runs as. */
    nginx: "nginx:1.28.2",
    /** Ubuntu 24.04 LTS, a dated build: GNU coreutils 9.4, perl-base and util-linux's fallocate. */
    ubuntu: "ubuntu:noble-20260905",
    /**
     * The rsyslog project's official image with RELP (rsyslog-relp) and TLS modules, Ubuntu 24.04
     * based, under the tag of an rsyslog release (YYYY-MM, the April 2026 one); it has bash,
     * coreutils and fallocate for agent.sh.
     */
    rsyslog: "rsyslog/rsyslog-collector:2026-04",
    /**
     * The same image of the August 2026 release (rsyslog 8.2608), for RELP with TLS only: omrelp
     * suspends on a certificate it refuses (`tls.permanentFailureDisablesAction`, 8.2606 on) where
     * earlier releases disable the action and drop the lines. Not the pin for every destination:
     * 8.2606's omelasticsearch does not resume against VictoriaLogs (docs/delivery.md).
     */
    rsyslogRelpTls: "rsyslog/rsyslog-collector:2026-08",
} as const;

/** The timings of a probe, and (nginx's HTTP probes) its path: one shape for defaults and validated probes. */
export type { ValidatedProbe as ProbeDefaults } from "./model";
import type { ValidatedProbe as ProbeDefaults } from "./model";

/** What an option that is not given becomes (other than the seed's names and images above). */
export const DEFAULTS = {
    workload: "Pod",
    /** Pods of a Deployment: two, so one can be drained or replaced while the other serves. */
    replicas: 2,
    security: "baseline",
    shipper: "cat-loop",
    nativeSidecar: false,
    /** destination.syslog.protocol: the acknowledged one. */
    syslogProtocol: "relp",
    /** destination.elasticsearch.index. */
    elasticsearchIndex: "nginx",
    /** destination.*.tls.ca.key: where cert-manager and kubectl put a CA. */
    tlsCaKey: "ca.crt",
    probes: {
        readiness: { path: "/", initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
        liveness: { path: "/", initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        // The sidecar serves nothing: its probe runs a command, so it has no path.
        sidecarLiveness: { initialDelaySeconds: 0, periodSeconds: 30, timeoutSeconds: 2, failureThreshold: 3 },
    } satisfies Record<string, ProbeDefaults>,
    retention: {
        maxAge: "24h",
        maxSize: "200Mi",
        /** With logVolume.sizeLimit and no maxSize: this share of the sizeLimit. */
        maxSizeShareOfSizeLimit: 0.8,
    },
} as const;

/** Bounds that keep a value meaningful where Kubernetes or the shipper would accept nonsense. */
export const LIMITS = {
    /** Kubernetes' probe fields are int32. */
    int32: 2 ** 31 - 1,
    /** A cat-loop period beyond a day would not ship the last 24 hours at all. */
    catLoopPeriodSecondsMax: 86_400,
    /** A grace period beyond a day holds a node's drain (and every rollout) for longer than anyone waits. */
    terminationGracePeriodSecondsMax: 86_400,
    /** retention.maxAge: the checkpoints it is measured on are a minute apart. */
    retentionMinAgeSeconds: 60,
    /** The API server's limit on a Pod's annotations, keys and values together. */
    annotationsTotalBytes: 256 * 1024,
    /** More replicas than this is a typo, not a webserver with a log sidecar. */
    replicasMax: 1000,
    /** A toleration's seconds are an int64 in Kubernetes; JavaScript counts exactly up to this. */
    tolerationSecondsMax: Number.MAX_SAFE_INTEGER,
} as const;

/** The labels that select one instance's pods: unique per instance (its name) in a namespace. */
export const SELECTOR_LABELS = {
    name: "app.kubernetes.io/name",
    nameValue: "webserver",
    instance: "app.kubernetes.io/instance",
} as const;

/**
 * A Deployment's rollout and spread: never below the desired replicas while rolling (one extra pod
 * at a time), and replicas on different nodes where there are several, still scheduled where there
 * are not. The spread counts one revision's pods (`matchLabelKeys: pod-template-hash`, Kubernetes
 * 1.27+): counting the old ReplicaSet's pods too, a rollout puts every new pod on the nodes the old
 * ones are not on, and once they are gone the replicas share those nodes (seen on the local
 * cluster: both on one node).
 */
export const DEPLOYMENT = {
    maxUnavailable: 0,
    maxSurge: 1,
    spread: {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        matchLabelKeys: ["pod-template-hash"],
    },
} as const;

/** The Service: port 80 to nginx's named container port. */
export const SERVICE = { port: 80, targetPortName: "http" } as const;

/** nginx under each profile: the image's port 80, or an unprivileged port with a managed config. */
export const NGINX = {
    port: 80,
    restrictedPort: 8080,
    /** The official image's `nginx` user and group; the sidecar runs as it too, to read the logs. */
    nonRootUid: 101,
    confDir: "/etc/nginx/webserver",
    confFile: "nginx.conf",
    /** Writable emptyDir for nginx's pid and temp files under a read-only root filesystem. */
    tmpDir: "/tmp",
    tmpVolume: "nginx-tmp",
    tmpSizeLimit: "64Mi",
    confVolume: "nginx-conf",
} as const;

/** The log agent a destination runs in the sidecar (components/agentConf.ts, components/shipper/agent.sh). */
export const AGENT = {
    image: IMAGES.rsyslog,
    confDir: "/etc/webserver-agent",
    confFile: "rsyslog.conf",
    confVolume: "agent-conf",
    /**
     * RELP messages sent before the receiver must acknowledge: what a receiver that stops may get
     * twice (taken, not yet acknowledged). librelp's own default, pinned.
     */
    relpWindowSize: 128,
    /**
     * imfile records its position after every this many lines it has sent (and at the end of the
     * log): a kill -9 delivers at most this many lines again. rsyslog's default records only at the
     * end of the log, so a kill while catching up on a backlog sent all of it read so far again.
     */
    recordEveryLines: 128,
    /**
     * While the receiver is unreachable the agent retries after 1 s; rsyslog lengthens the interval
     * by 1 s every 10 retries, up to this many seconds: the most a receiver that is back waits.
     */
    retryMaxSeconds: 5,
    /**
     * After this many seconds without delivering while a log grew, agent.sh says so, once, naming
     * the likely causes: rsyslog retries a refused connection or certificate silently.
     */
    stallReportSeconds: 30,
    /**
     * Where each record says it came from: the agent's environment variables (the downward API
     * fills them, components/manifest.ts) and the record's field names. `container` is nginx's,
     * the container that wrote the line.
     */
    recordFields: {
        namespace: "POD_NAMESPACE",
        pod: "POD_NAME",
        node: "NODE_NAME",
    },
    /** The agent's environment variables for destination.elasticsearch.auth (the Secret's keys). */
    basicAuthEnv: { username: "ES_USERNAME", password: "ES_PASSWORD" },
    /** The agent's environment variable naming the bulk URL agent.sh checks the credentials against before it starts. */
    bulkCheckEnv: "BULK_CHECK_URL",
    /**
     * TLS material of a destination, mounted from the ConfigMap or Secrets the args name: the CA
     * as ca.crt, the client certificate as client.crt and client.key; `tlsEnv` tells agent.sh where,
     * `insecureEnv` (set to "off") that verification is off (the policy pack reports it).
     */
    tls: {
        dir: "/etc/webserver-agent-tls",
        volume: "agent-tls",
        ca: "ca.crt",
        cert: "client.crt",
        key: "client.key",
        dirEnv: "AGENT_TLS_DIR",
        verifyEnv: "AGENT_TLS_VERIFY",
        /**
         * RELP with TLS and no clientCertSecret: a key and self-signed certificate agent.sh makes at
         * each start under the agent's state dir. librelp (up to 1.13, Debian 13 and 14, Ubuntu)
         * checks the receiver's certificate only when the agent has one of its own; nobody trusts
         * this one, a receiver that asks for client certificates refuses it (give clientCertSecret).
         */
        throwawayCert: "relp-client.crt",
        throwawayKey: "relp-client.key",
    },
    /**
     * How long the service may take over a bulk request (Elasticsearch's `timeout` parameter):
     * a batch is 128 lines, far below it.
     */
    bulkTimeout: "1m",
    /** Documents the service rejected inside an accepted request (rsyslog's errorfile), under the agent's state dir. */
    rejectedFile: "rejected.json",
    /**
     * The rejected-documents file is held to its newest this many bytes: agent.sh says on stderr
     * how many documents each pass found rejected (with the first 4 KiB of them), then frees what
     * is older (a hole, as retention frees the logs). It counts in the volume's bound.
     */
    rejectedKeepBytes: 64 * 1024,
    /**
     * Delivery you can watch: agent.sh writes the delivery figures (Prometheus' text format) to
     * `file` under the log directory every `everySeconds`, and nginx serves it at `path` on `port`
     * (named `portName`). The file's age is the sidecar's liveness: written during an outage too,
     * older than `staleSeconds` only when agent.sh is stuck. It is a few KiB, inside
     * RETENTION_LAYOUT.stateReserveBytes. No rsyslogd counters: with impstats loaded (every 5 s), a
     * kill -9 while catching up on a backlog sent up to 384 lines twice here, beyond the 128 that
     * AGENT.recordEveryLines promises; not understood yet, so it stays out.
     */
    metrics: {
        file: ".shipper/metrics.prom",
        everySeconds: 5,
        port: 9180,
        portName: "metrics",
        path: "/metrics",
        staleSeconds: 60,
    },
} as const;

/** How the stream shipper runs (components/shipper/stream.sh). */
export const STREAM_SHIPPER = {
    /** Seconds between two polls of the logs: the most a line waits before it is shipped. */
    pollSeconds: 0.2,
    /** Seconds between two (time, size) age checkpoints of each log, what maxAge is measured on. */
    ageCheckpointSeconds: 60,
} as const;

/**
 * Drain on termination, for both shippers (stream.sh, agent.sh): on TERM the shipper goes on
 * shipping until both logs are shipped (the agent: acknowledged) to their end and neither grew for
 * a pass, then exits; at the deadline it exits anyway and says, on stderr and in the container's
 * termination message, how much of each log it leaves behind.
 */
export const DRAIN = {
    /** Kubernetes' terminationGracePeriodSeconds when the Pod sets none. */
    kubernetesGracePeriodSeconds: 30,
    /**
     * Seconds of the grace period kept back from the drain: the shipper's own stop (rsyslogd
     * recording its positions) must end before the kubelet's SIGKILL.
     */
    marginSeconds: 2,
    /**
     * Passes (a second each) in which neither log may grow before the drain ends: with a classic
     * sidecar nginx gets its TERM at the same moment and may still write the lines of the requests
     * it finishes. A native sidecar gets its TERM only after nginx has exited.
     */
    quietPasses: 1,
    /** Where the kubelet reads the container's termination message (terminationMessagePath's default). */
    terminationMessagePath: "/dev/termination-log",
    /**
     * A classic sidecar that drains gets a preStop hook (components/shipper/prestop.sh) holding its
     * TERM back until nginx has exited, so the drain starts after nginx's last line as a native
     * sidecar's does; the hook writes when the stop began to this file (under the log directory),
     * which the drain's deadline counts from.
     */
    stopBeganFile: ".shipper/stop-began",
    /**
     * The sidecar's liveness probe's own terminationGracePeriodSeconds when it has that hook: a
     * shipper the probe found stuck is restarted within this, instead of the hook waiting out the
     * drain's deadline beside a running nginx (Kubernetes 1.28+; older releases ignore the field).
     */
    livenessKillGraceSeconds: 10,
} as const;

/** The drain deadline, in seconds after TERM, for a Pod's grace period (unset: Kubernetes' 30 s). */
export function drainSeconds(terminationGracePeriodSeconds?: number): number {
    const grace = terminationGracePeriodSeconds ?? DRAIN.kubernetesGracePeriodSeconds;
    return Math.max(0, grace - DRAIN.marginSeconds);
}

/**
 * The smallest logVolume.sizeLimit: the volume retention needs, for either shipper, at its default
 * share of it. The API server accepts any size, even 0, where the kubelet evicts the Pod at nginx's
 * first lines.
 */
export const LOG_VOLUME_MIN_BYTES = Math.ceil(
    Math.max(retentionMinBytes("stream"), retentionMinBytes("agent")) / DEFAULTS.retention.maxSizeShareOfSizeLimit,
);

/**
 * What `production: true` turns on. Options given explicitly win over these, field by field
 * (your `resources.nginx.limits.cpu` replaces only that quantity). Each value answers a linter
 * finding on the seed (docs/policy.md's table names them).
 */
export const PRODUCTION_PRESET = {
    // Exact releases instead of :latest (pin a digest, name@sha256:..., for full immutability).
    nginxImage: IMAGES.nginx,
    sidecarImage: IMAGES.ubuntu,
    imagePullPolicy: "Always",
    security: "restricted",
    resources: {
        nginx: {
            requests: { cpu: "100m", memory: "64Mi", ephemeralStorage: "64Mi" },
            // The Pod's ephemeral-storage limit is the sum of its containers'; the emptyDirs count
            // against it, so it must exceed logVolume.sizeLimit plus nginx's /tmp.
            limits: { cpu: "500m", memory: "128Mi", ephemeralStorage: "512Mi" },
        },
        sidecar: {
            requests: { cpu: "10m", memory: "16Mi", ephemeralStorage: "16Mi" },
            limits: { cpu: "100m", memory: "64Mi", ephemeralStorage: "128Mi" },
        },
    },
    // nginx readiness + liveness; the sidecar serves nothing, so liveness only.
    probes: { sidecarLiveness: {} },
    logVolume: { sizeLimit: "256Mi" },
    // Ship each line once, and keep the last 24 hours in the volume, well inside its sizeLimit.
    shipper: "stream",
    retention: { maxAge: "24h", maxSize: "200Mi" },
    // The drain on TERM gets this less DRAIN.marginSeconds: under the sidecar's 100m CPU limit the
    // log agent delivers about 600 records a second (bench/results-peer.md), so 58 s drain a
    // backlog of some 35 000 lines -- Kubernetes' 30 s, about half of that.
    terminationGracePeriodSeconds: 60,
} as const satisfies ResolvedWebserverPodArgs;

/**
 * The production preset for these args: with a destination, without the shipper and the sidecar
 * image (the log agent and its image take their place), so nothing the preset sets is undone later.
 */
export function presetFor(given: { destination?: unknown }): ResolvedWebserverPodArgs {
    if (given.destination === undefined) return PRODUCTION_PRESET;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { shipper, sidecarImage, ...rest } = PRODUCTION_PRESET;
    return rest;
}

/**
 * The LogService component (components/logService.ts): VictoriaLogs single node, the
 * log-aggregation service developers query for the last 24 hours.
 */
export const LOG_SERVICE = {
    /** The VictoriaLogs release the tests build from its Go module (tools/versions.env VICTORIALOGS_VERSION). */
    image: "victoriametrics/victoria-logs:v1.52.1",
    /** Its HTTP port: the bulk API (/insert/elasticsearch), LogsQL (/select/logsql/query), the web UI (/select/vmui/), /health. */
    httpPort: 9428,
    /** Its syslog TCP input (RFC 5424, octet-counted), for destination.syslog with protocol "tcp". */
    syslogPort: 5140,
    /** The 24 hours the task names, plus a day's margin: a bug found on Monday morning still has Sunday's logs. */
    retentionPeriod: "2d",
    /** The PersistentVolumeClaim's size. */
    storageSize: "10Gi",
    /** Above this use of its volume VictoriaLogs drops its oldest days (-retention.maxDiskUsagePercent) rather than run out of space and refuse new logs. */
    maxDiskUsagePercent: 80,
    /** Requests and limits for a small single node (its data is on the claim: ephemeral storage is for nothing but logs of its own). */
    resources: {
        requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "64Mi" },
        limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": "256Mi" },
    },
    /** The uid (and group) it runs as under the restricted profile: nobody. */
    uid: 65534,
    /** Where its data (the claim) is mounted, and the claim template's name. */
    dataDir: "/storage",
    volume: "storage",
} as const;

/**
 * Who reaches the LogService (LogServiceArgs.access, docs/delivery.md "Who reaches the LogService"):
 * vmauth in front of VictoriaLogs in its pod, VictoriaLogs itself on the pod's loopback only, two
 * users (agents insert, readers query), and a NetworkPolicy admitting the agents and the readers.
 */
export const LOG_SERVICE_ACCESS = {
    /** The vmauth release scripts/tools.sh builds (tools/versions.env VMAUTH_VERSION). */
    image: "victoriametrics/vmauth:v1.151.0",
    /** VictoriaLogs' own HTTP listener, on the pod's loopback: only vmauth, beside it, reaches it. */
    backendPort: 9429,
    /** vmauth's internal API (its /metrics, /flags, pprof, /-/reload), on the loopback too: not served to clients. */
    internalPort: 8426,
    /** The user agents insert as: /insert/ only. */
    ingestUser: "ingest",
    /** The user developers and vmalert query as: /select/ only (LogsQL, the web UI). */
    readerUser: "reader",
    /** The env vars vmauth reads the passwords from (its %{ENV} templates): the config holds no secret. */
    ingestPasswordEnv: "LOGS_INGEST_PASSWORD",
    readerPasswordEnv: "LOGS_READER_PASSWORD",
    /**
     * Cluster mode: the user the front nodes call the storage nodes as (VictoriaLogs' -httpAuth.* on
     * a storage node, -storageNode.username/password on a front node), and the env var both read its
     * password from (a %{ENV} placeholder in the flag: no secret in the command line).
     */
    storageUser: "storage",
    storagePasswordEnv: "LOGS_STORAGE_PASSWORD",
    /** Where vmauth's config (a ConfigMap) is mounted. */
    configDir: "/etc/vmauth",
    configFile: "auth.json",
    /** The label of every pod that runs the log agent (a WebserverPod with a destination): the NetworkPolicy admits these to insert. */
    agentLabel: { key: "webserver-sidecar/log-agent", value: "true" },
    /** Passwords: 16 to 256 characters. */
    passwordLength: { min: 16, max: 256 },
    /** vmauth's requests and limits: a proxy of the LogService's own traffic. */
    resources: {
        requests: { cpu: "50m", memory: "32Mi", "ephemeral-storage": "16Mi" },
        limits: { cpu: "500m", memory: "128Mi", "ephemeral-storage": "64Mi" },
    },
} as const;

/**
 * The LogService's alerting (LogServiceArgs.alerting, docs/alerting.md): vmalert evaluating LogsQL
 * rules against VictoriaLogs and posting what fires to an Alertmanager's API.
 */
export const LOG_ALERTING = {
    /** The vmalert release scripts/tools.sh builds (tools/versions.env VMALERT_VERSION). */
    image: "victoriametrics/vmalert:v1.151.0",
    /** vmalert's HTTP port: its web UI of the rules and alerts, /health, /metrics. */
    httpPort: 8880,
    /** How often the rules are evaluated: a minute, as Prometheus' and vmalert's own default. */
    evaluationInterval: "1m",
    /** WebserverErrors: this many 5xx answers from one pod within the window fire it. */
    errorThreshold: 10,
    errorWindow: "5m",
    /**
     * WebserverSilent: a pod that sent records within the lookback but none for this long fires it.
     * Ten minutes: the production preset's probes alone write an access-log line every 10 s.
     */
    silentAfter: "10m",
    silenceLookback: "1h",
    /** Where the rules file is mounted in vmalert's pod. */
    rulesDir: "/etc/vmalert",
    rulesFile: "rules.yaml",
    /** Requests and limits: vmalert runs a query a rule per interval. */
    resources: {
        requests: { cpu: "10m", memory: "32Mi", "ephemeral-storage": "16Mi" },
        limits: { cpu: "200m", memory: "128Mi", "ephemeral-storage": "64Mi" },
    },
} as const;

/**
 * What a destination's bulk URL tells VictoriaLogs (query parameters of /insert/elasticsearch): the
 * record's message and time fields (components/nginxConf.ts, agentConf.ts), and the fields whose
 * values make a log stream (one per pod, container and log).
 */
export const VICTORIALOGS_BULK_QUERY =
    "_msg_field=message&_time_field=@timestamp&_stream_fields=namespace,pod,container,log";
