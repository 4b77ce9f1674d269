import * as pulumi from "@pulumi/pulumi";

/** Pod Security Standards level the Pod is built to meet. */
export const SecurityProfile = {
    /** The seed's level: no securityContext; nginx runs as the image's root master on port 80. */
    Baseline: "baseline",
    /** PSS "restricted": non-root, no privilege escalation, all capabilities dropped, RuntimeDefault
     * seccomp, read-only root filesystems; nginx gets a generated nginx.conf (ConfigMap) on port 8080. */
    Restricted: "restricted",
} as const;
export type SecurityProfile = (typeof SecurityProfile)[keyof typeof SecurityProfile];

/** Kubernetes' `imagePullPolicy`. */
export const ImagePullPolicy = {
    /** Pull at every container start (a moving tag such as `latest`). */
    Always: "Always",
    /** Pull only when the node does not have the image. */
    IfNotPresent: "IfNotPresent",
    /** Never pull: the image must be on the node already. */
    Never: "Never",
} as const;
export type ImagePullPolicy = (typeof ImagePullPolicy)[keyof typeof ImagePullPolicy];

/** Backing store of the `shared-logs` emptyDir. */
export const StorageMedium = {
    /** The node's disk. */
    Disk: "",
    /** tmpfs: RAM, counted against the containers' memory limits. */
    Memory: "Memory",
} as const;
export type StorageMedium = (typeof StorageMedium)[keyof typeof StorageMedium];

/** What the sidecar runs to ship the logs to its stdout. */
export const Shipper = {
    /** The seed's: `cat` both files every period (30 s). Re-emits every line every period. */
    CatLoop: "cat-loop",
    /** components/shipper/stream.sh: each line once, in order per file, within a poll (0.2 s); resumes from its checkpoint after a restart. */
    Stream: "stream",
} as const;
export type Shipper = (typeof Shipper)[keyof typeof Shipper];

/** How the log agent talks to a syslog receiver (destination.syslog.protocol). */
export const SyslogProtocol = {
    /** RELP (rsyslog's Reliable Event Logging Protocol): the receiver acknowledges every message; a receiver or agent restart loses nothing. */
    Relp: "relp",
    /** Syslog over plain TCP, RFC 5424 messages framed by octet counting (RFC 6587): what every receiver accepts; unacknowledged, so lines in flight when a connection breaks can be lost. */
    Tcp: "tcp",
} as const;
export type SyslogProtocol = (typeof SyslogProtocol)[keyof typeof SyslogProtocol];

/** A syslog receiver the log agent delivers to. */
export interface SyslogDestination {
    /** The receiver as "host:port": a DNS name, an IPv4 address or an [IPv6] address, and a port from 1 to 65535. */
    readonly address: pulumi.Input<string>;
    /** The transport: "relp" or "tcp". @default "relp" */
    readonly protocol?: pulumi.Input<SyslogProtocol>;
    /** TLS over either protocol: the CA that signs the receiver's certificate (needed: rsyslog's TLS drivers take no system CAs), a client certificate, or (explicitly, "tcp" only) no verification. The receiver's certificate must name the address's host. Over RELP the agent needs rsyslog 8.2606 or later (the default image then is "rsyslog/rsyslog-collector:2026-08") and makes a throwaway client certificate when none is given. @default none (plain) */
    readonly tls?: Tls;
}

/** Credentials for an Elasticsearch-API destination, read from a Secret, never from the args. */
export interface ElasticsearchAuth {
    /** A Secret in the pod's namespace of type kubernetes.io/basic-auth (keys `username` and `password`); the agent reads them from its environment. */
    readonly basicAuthSecret: pulumi.Input<string>;
    /** Send the credentials over an http:// url, readable by anyone on the network path: only where that network is trusted (a NetworkPolicy, a mesh's mutual TLS). Reported by the policy pack. @default false: credentials need an https:// url */
    readonly allowPlainHttp?: pulumi.Input<boolean>;
}

/** Where a CA bundle is: a key of a ConfigMap or of a Secret in the pod's namespace (exactly one of the two). */
export interface TlsCa {
    /** A ConfigMap holding the CA bundle (PEM). @default none */
    readonly configMap?: pulumi.Input<string>;
    /** A Secret holding the CA bundle (PEM). @default none */
    readonly secret?: pulumi.Input<string>;
    /** The key holding it. @default "ca.crt" */
    readonly key?: pulumi.Input<string>;
}

/** How the agent checks the service it delivers to over TLS. */
export interface Tls {
    /** The CA that signs the service's certificate. @default the agent image's system CAs */
    readonly ca?: TlsCa;
    /** A Secret of type kubernetes.io/tls (tls.crt, tls.key): the agent's certificate, for a service that asks for one (mutual TLS). @default none */
    readonly clientCertSecret?: pulumi.Input<string>;
    /** Accept any certificate and name: the connection is encrypted but the service unverified. Reported by the policy pack. @default false */
    readonly insecureSkipVerify?: pulumi.Input<boolean>;
}

/** A service that takes the Elasticsearch bulk API: Elasticsearch, OpenSearch, VictoriaLogs and others. */
export interface ElasticsearchDestination {
    /** "http(s)://host:port[/path][?query]": the agent posts batches to <url>/_bulk, with the url's query (VictoriaLogs: "http://host:9428/insert/elasticsearch?_msg_field=message&_time_field=@timestamp"). https verifies the service's certificate and name. */
    readonly url: pulumi.Input<string>;
    /** The index the documents go to, a lowercase name. @default "nginx" */
    readonly index?: pulumi.Input<string>;
    /** Basic-auth credentials from a Secret. @default none */
    readonly auth?: ElasticsearchAuth;
    /** TLS settings for an https url: the CA, a client certificate, or (explicitly) no verification. @default the image's system CAs, verified */
    readonly tls?: Tls;
}

/** Where the logs go instead of the sidecar's stdout: exactly one of syslog or elasticsearch. */
export interface Destination {
    /** A syslog receiver (rsyslog, syslog-ng, Graylog, Splunk, Vector, Fluent Bit's or the OpenTelemetry Collector's syslog receiver, VictoriaLogs). @default none */
    readonly syslog?: SyslogDestination;
    /** A service taking the Elasticsearch bulk API; every batch counts as delivered only when the service acknowledged it. @default none */
    readonly elasticsearch?: ElasticsearchDestination;
}

/** How a toleration matches a taint's value. */
export const TolerationOperator = {
    /** The taint's value equals the toleration's. */
    Equal: "Equal",
    /** Any value (the toleration has none). */
    Exists: "Exists",
} as const;
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];

/** What a taint does to pods that do not tolerate it. */
export const TaintEffect = {
    /** New pods are not scheduled onto the node. */
    NoSchedule: "NoSchedule",
    /** The scheduler avoids the node when it can. */
    PreferNoSchedule: "PreferNoSchedule",
    /** New pods are not scheduled, and running ones are evicted. */
    NoExecute: "NoExecute",
} as const;
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

/** A node taint the pods accept (Kubernetes' `Toleration`). */
export interface Toleration {
    /** The taint's key, a qualified name; empty with operator "Exists" tolerates every taint. @default empty */
    readonly key?: pulumi.Input<string>;
    /** "Equal" (the taint's value is `value`) or "Exists" (any value). @default "Equal" */
    readonly operator?: pulumi.Input<TolerationOperator>;
    /** The taint's value, with operator "Equal". @default empty */
    readonly value?: pulumi.Input<string>;
    /** The effect tolerated; empty tolerates every effect. @default empty */
    readonly effect?: pulumi.Input<TaintEffect>;
    /** With effect "NoExecute": seconds the pod stays on a node after the taint appears. @default unset: for ever */
    readonly tolerationSeconds?: pulumi.Input<number>;
}

/** How a node selector requirement compares a node's label (or field) with its values. */
export const NodeSelectorOperator = {
    /** The label's value is one of `values`. */
    In: "In",
    /** The label's value is none of `values` (or the node lacks the label). */
    NotIn: "NotIn",
    /** The node has the label; no `values`. */
    Exists: "Exists",
    /** The node lacks the label; no `values`. */
    DoesNotExist: "DoesNotExist",
    /** The label's value, an integer, is greater than the one value. */
    Gt: "Gt",
    /** The label's value, an integer, is less than the one value. */
    Lt: "Lt",
} as const;
export type NodeSelectorOperator = (typeof NodeSelectorOperator)[keyof typeof NodeSelectorOperator];

/** How a label selector requirement compares a pod's label with its values. */
export const LabelSelectorOperator = {
    /** The label's value is one of `values`. */
    In: "In",
    /** The label's value is none of `values` (or the pod lacks the label). */
    NotIn: "NotIn",
    /** The pod has the label; no `values`. */
    Exists: "Exists",
    /** The pod lacks the label; no `values`. */
    DoesNotExist: "DoesNotExist",
} as const;
export type LabelSelectorOperator = (typeof LabelSelectorOperator)[keyof typeof LabelSelectorOperator];

/** One condition on a node's label (Kubernetes' `NodeSelectorRequirement`). */
export interface NodeSelectorRequirement {
    /** The label's key, a qualified name. */
    readonly key: pulumi.Input<string>;
    /** How the label is compared. */
    readonly operator: pulumi.Input<NodeSelectorOperator>;
    /** The values compared with: some for In and NotIn, none for Exists and DoesNotExist, one integer for Gt and Lt. @default none */
    readonly values?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Conditions on a node's labels, all of which must hold (Kubernetes' `NodeSelectorTerm`). */
export interface NodeSelectorTerm {
    /** Conditions on the node's labels. @default none */
    readonly matchExpressions?: pulumi.Input<pulumi.Input<NodeSelectorRequirement>[]>;
}

/** Nodes the pods must run on (Kubernetes' `NodeSelector`): any one of its terms. */
export interface NodeSelector {
    /** The terms, at least one; a node that satisfies any of them is allowed. */
    readonly nodeSelectorTerms: pulumi.Input<pulumi.Input<NodeSelectorTerm>[]>;
}

/** A node preference and its weight (Kubernetes' `PreferredSchedulingTerm`). */
export interface PreferredSchedulingTerm {
    /** 1 to 100: how much a node satisfying `preference` is favoured. */
    readonly weight: pulumi.Input<number>;
    /** The nodes favoured. */
    readonly preference: pulumi.Input<NodeSelectorTerm>;
}

/** Which nodes the pods run on (Kubernetes' `NodeAffinity`). */
export interface NodeAffinity {
    /** Nodes the pods must run on. @default none */
    readonly requiredDuringSchedulingIgnoredDuringExecution?: pulumi.Input<NodeSelector>;
    /** Nodes the scheduler favours. @default none */
    readonly preferredDuringSchedulingIgnoredDuringExecution?: pulumi.Input<pulumi.Input<PreferredSchedulingTerm>[]>;
}

/** One condition on a pod's label (Kubernetes' `LabelSelectorRequirement`). */
export interface LabelSelectorRequirement {
    /** The label's key, a qualified name. */
    readonly key: pulumi.Input<string>;
    /** How the label is compared. */
    readonly operator: pulumi.Input<LabelSelectorOperator>;
    /** The values compared with: some for In and NotIn, none for Exists and DoesNotExist. @default none */
    readonly values?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Pods (or namespaces) by their labels (Kubernetes' `LabelSelector`): every condition holds. */
export interface LabelSelector {
    /** Labels that must have these values. @default none */
    readonly matchLabels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Conditions on the labels. @default none */
    readonly matchExpressions?: pulumi.Input<pulumi.Input<LabelSelectorRequirement>[]>;
}

/** Pods near which (or away from which) the pods run (Kubernetes' `PodAffinityTerm`). */
export interface PodAffinityTerm {
    /** The other pods, by label. @default none: no pod */
    readonly labelSelector?: pulumi.Input<LabelSelector>;
    /** Namespaces the other pods are looked for in, by name. @default the pods' own namespace */
    readonly namespaces?: pulumi.Input<pulumi.Input<string>[]>;
    /** Namespaces the other pods are looked for in, by label (with `namespaces`, either matches). @default none */
    readonly namespaceSelector?: pulumi.Input<LabelSelector>;
    /** The node label whose value defines "near": `kubernetes.io/hostname` (the node), `topology.kubernetes.io/zone`. */
    readonly topologyKey: pulumi.Input<string>;
}

/** A pod (anti-)affinity preference and its weight (Kubernetes' `WeightedPodAffinityTerm`). */
export interface WeightedPodAffinityTerm {
    /** 1 to 100: how much satisfying `podAffinityTerm` counts. */
    readonly weight: pulumi.Input<number>;
    /** The preference. */
    readonly podAffinityTerm: pulumi.Input<PodAffinityTerm>;
}

/** Pods the pods run near, or away from (Kubernetes' `PodAffinity` and `PodAntiAffinity`). */
export interface PodAffinity {
    /** Terms that must hold. @default none */
    readonly requiredDuringSchedulingIgnoredDuringExecution?: pulumi.Input<pulumi.Input<PodAffinityTerm>[]>;
    /** Terms the scheduler favours. @default none */
    readonly preferredDuringSchedulingIgnoredDuringExecution?: pulumi.Input<pulumi.Input<WeightedPodAffinityTerm>[]>;
}

/** Where the pods are scheduled, by node and by other pods (Kubernetes' `Affinity`). */
export interface Affinity {
    /** Which nodes. @default none */
    readonly nodeAffinity?: pulumi.Input<NodeAffinity>;
    /** Near which pods. @default none */
    readonly podAffinity?: pulumi.Input<PodAffinity>;
    /** Away from which pods. @default none */
    readonly podAntiAffinity?: pulumi.Input<PodAffinity>;
}

/** How long the provider waits for the workload before it reports a failure (a Pulumi `CustomTimeouts`). */
export interface WorkloadTimeouts {
    /** For a create: a duration such as "10m" or "1h30m". @default the provider's (10 minutes for a Pod or Deployment) */
    readonly create?: string;
    /** For an update. @default the provider's */
    readonly update?: string;
    /** For a delete. @default the provider's */
    readonly delete?: string;
}

/** What keeps the webserver running: the seed's bare Pod, or a Deployment of such pods. */
export const Workload = {
    /** The seed: one Pod, recreated by nothing if its node goes. */
    Pod: "Pod",
    /** An apps/v1 Deployment of `replicas` such pods, spread over nodes, with a Service and a PodDisruptionBudget. */
    Deployment: "Deployment",
} as const;
export type Workload = (typeof Workload)[keyof typeof Workload];

/** Bounds on what the `shared-logs` volume keeps (needs the stream shipper, or a destination). */
export interface Retention {
    /** Lines older than this are freed, e.g. "24h", "90m", "1d12h"; at least a minute. @default "24h" */
    readonly maxAge?: pulumi.Input<string>;
    /** Space both files may use together (each at most half), a quantity of whole bytes, at least 192Ki (224Ki with a destination) and below logVolume.sizeLimit (components/retention.ts: the scripts' state, then each log half of the rest). @default "200Mi", or 80% of logVolume.sizeLimit when that is set */
    readonly maxSize?: pulumi.Input<string>;
}

/** Requests or limits of one container; each a Kubernetes quantity such as "100m", "64Mi". */
export interface ResourceQuantities {
    /** CPU, e.g. "100m" or "0.5". @default unset */
    readonly cpu?: pulumi.Input<string>;
    /** Memory in whole bytes, e.g. "64Mi" ("64m" would be 0.064 bytes and is rejected). @default unset */
    readonly memory?: pulumi.Input<string>;
    /** Local ephemeral storage (`ephemeral-storage`) in whole bytes, e.g. "256Mi". @default unset */
    readonly ephemeralStorage?: pulumi.Input<string>;
}

/** `resources` of one container. */
export interface ContainerResources {
    /** What the scheduler reserves. @default unset */
    readonly requests?: ResourceQuantities;
    /** The most the container may use. @default unset */
    readonly limits?: ResourceQuantities;
}

/** `resources` of each container. */
export interface Resources {
    /** Of nginx-container. @default unset */
    readonly nginx?: ContainerResources;
    /** Of sidecar-container. @default unset */
    readonly sidecar?: ContainerResources;
}

/** Timings (and, for nginx's HTTP probes, the path) of one probe. Unset fields take the documented default; integers up to 2147483647 (int32). */
export interface Probe {
    /** HTTP path nginx is probed on (nginx's probes only; the sidecar's probe runs a command). @default "/" */
    readonly path?: pulumi.Input<string>;
    /** Seconds before the first probe. @default 0 */
    readonly initialDelaySeconds?: pulumi.Input<number>;
    /** Seconds between probes. @default 5 for readiness, 10 for liveness, 30 for the sidecar's liveness */
    readonly periodSeconds?: pulumi.Input<number>;
    /** Seconds a probe may take, at most periodSeconds. @default 2 */
    readonly timeoutSeconds?: pulumi.Input<number>;
    /** Failures in a row before the container counts as failed. @default 3 */
    readonly failureThreshold?: pulumi.Input<number>;
}

/** Probes. Setting `probes` (even `{}`) gives nginx an HTTP readiness and liveness probe on its port. */
export interface Probes {
    /** nginx's readiness probe (HTTP GET). @default path "/", period 5 s, timeout 2 s, 3 failures */
    readonly readiness?: Probe;
    /** nginx's liveness probe (HTTP GET). @default path "/", period 10 s, timeout 2 s, 3 failures */
    readonly liveness?: Probe;
    /** A liveness probe for the sidecar (exec: its log directory is readable; with a destination, the log agent wrote its metrics within a minute, which it does during an outage too). @default none */
    readonly sidecarLiveness?: Probe;
}

/** The `shared-logs` emptyDir. */
export interface LogVolume {
    /** `emptyDir.sizeLimit`, a quantity of whole bytes such as "256Mi"; the kubelet evicts the Pod beyond it. @default unset (unbounded); production: "256Mi" */
    readonly sizeLimit?: pulumi.Input<string>;
    /** `emptyDir.medium`: "" (disk) or "Memory" (tmpfs, counted against nginx's memory limit). @default unset (disk) */
    readonly medium?: pulumi.Input<StorageMedium>;
}

/**
 * The inputs of a {@link WebserverPod}. Every field is optional; with none set the Pod is the
 * seed spec exactly, and everything beyond it is opt-in.
 */
export interface WebserverPodArgs {
    /** Namespace of the Pod. @default unset: the provider's (kubeconfig context's) namespace */
    readonly namespace?: pulumi.Input<string>;
    /** `metadata.name` of the Pod (or of the Deployment, Service and PodDisruptionBudget), a DNS-1123 label (starting with a letter when there is a Service). @default the component's name (the program's: "webserver") */
    readonly podName?: pulumi.Input<string>;
    /** Image of `nginx-container`. @default "nginx:latest" */
    readonly nginxImage?: pulumi.Input<string>;
    /**
     * Image of `sidecar-container`. @default "ubuntu:latest"; with `shipper: "stream"` the pinned
     * "ubuntu:noble-20260905" (GNU coreutils, as tested); with a destination the agent's,
     * "rsyslog/rsyslog-collector:2026-04" ("rsyslog/rsyslog-collector:2026-08" for RELP with TLS)
     */
    readonly sidecarImage?: pulumi.Input<string>;
    /** Labels of the Pod (keys and values as Kubernetes accepts them). @default none */
    readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Annotations of the Pod. @default none */
    readonly annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** `imagePullPolicy` of both containers. @default unset (Kubernetes: Always for :latest, else IfNotPresent); production: "Always" */
    readonly imagePullPolicy?: pulumi.Input<ImagePullPolicy>;
    /** CPU, memory and ephemeral-storage requests and limits of each container. @default unset; production: see README */
    readonly resources?: Resources;
    /** Readiness and liveness probes. @default none; production: nginx's readiness and liveness at their defaults */
    readonly probes?: Probes;
    /** Size limit and medium of the `shared-logs` emptyDir. @default unset; production: sizeLimit "256Mi" */
    readonly logVolume?: LogVolume;
    /** The sidecar's shipper. @default "cat-loop" (the seed's command); production: "stream" */
    readonly shipper?: pulumi.Input<Shipper>;
    /** Seconds between two `cat`s of the cat-loop shipper, 1 to 86400. @default 30 */
    readonly catLoopPeriodSeconds?: pulumi.Input<number>;
    /** Keep the volume's logs within an age and a size, never freeing an unshipped line (stream shipper or a destination). @default none; production: maxAge "24h", maxSize "200Mi" */
    readonly retention?: Retention;
    /**
     * Deliver the logs to a log-aggregation service instead of the sidecar's stdout: the sidecar runs
     * a log agent (rsyslog, its config a ConfigMap the component owns) instead of a shipper, and
     * sidecarImage defaults to the agent's image. An object whose fields may be Outputs, or an
     * Output of one (a LogService's `destination` output: its bulk API and, closed, its ingest
     * user's Secret). @default none: the shipper writes to the sidecar's stdout
     */
    readonly destination?: pulumi.Input<Destination>;
    /** Run the shipper as a native sidecar: an init container with `restartPolicy: Always` (Kubernetes 1.29+), started before nginx and stopped after it. @default false */
    readonly nativeSidecar?: pulumi.Input<boolean>;
    /** Node labels the pods must run on (`spec.nodeSelector`), e.g. `{ "kubernetes.io/arch": "amd64" }`. @default none */
    readonly nodeSelector?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** A PriorityClass of the pods (`spec.priorityClassName`), which must exist. @default none: the cluster's default priority */
    readonly priorityClassName?: pulumi.Input<string>;
    /** The ServiceAccount the pods run as (`spec.serviceAccountName`), which must exist in the namespace. @default none: the namespace's "default" */
    readonly serviceAccountName?: pulumi.Input<string>;
    /** Secrets of type kubernetes.io/dockerconfigjson the kubelet pulls the images with (`spec.imagePullSecrets`), by name. @default none */
    readonly imagePullSecrets?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Seconds the pods get to stop (`spec.terminationGracePeriodSeconds`), 1 to 86400. The stream
     * shipper and the log agent drain within it: on TERM they ship both logs to their end, and
     * stop at this less 2 s, saying what they leave. @default none: Kubernetes' 30
     */
    readonly terminationGracePeriodSeconds?: pulumi.Input<number>;
    /** Node taints the pods tolerate (`spec.tolerations`), e.g. nodes kept for one team. @default none */
    readonly tolerations?: pulumi.Input<pulumi.Input<Toleration>[]>;
    /** Where the pods are scheduled by node and by other pods (`spec.affinity`), checked as the API server checks it. @default none */
    readonly affinity?: pulumi.Input<Affinity>;
    /**
     * How long the provider waits for the workload (Pod or Deployment) to be ready, updated or gone
     * before `pulumi up` fails: a plain value (a resource option of the workload). @default the provider's: 10 minutes
     */
    readonly customTimeouts?: WorkloadTimeouts;
    /**
     * Workload "Deployment" only: do not wait for the rollout, the provider's `pulumi.com/skipAwait`
     * annotation on the Deployment and Service. `pulumi up` then ends once the API server took them,
     * and `readyReplicas` is what it was at that moment. Refused for a Pod, which is replaced under
     * its own name: the provider must wait until the old one is gone. @default false
     */
    readonly skipAwait?: pulumi.Input<boolean>;
    /** "Pod" (the seed) or "Deployment"; a plain value, since it decides which resources exist. @default "Pod" */
    readonly workload?: Workload;
    /** Pods of the Deployment (workload "Deployment" only), 1 to 1000; a plain value (above 1 it adds a PodDisruptionBudget). @default 2 */
    readonly replicas?: number;
    /** A ClusterIP Service on port 80 to nginx's named port `http`; a plain value. @default false for a Pod, true for a Deployment */
    readonly service?: boolean;
    /** Security profile, a plain value since it decides which resources exist. @default "baseline"; production: "restricted" */
    readonly security?: SecurityProfile;
    /**
     * Turns on every production option with the values in README's table (restricted security,
     * resources, probes, bounded log volume, pinned image tags, pull policy Always). Options set
     * explicitly win over the preset's, field by field. A plain value. @default false
     */
    readonly production?: boolean;
}

/** The args with every Input resolved to its plain value: what validation and the manifest builder see. */
export type ResolvedWebserverPodArgs = pulumi.Unwrap<WebserverPodArgs>;

// The names before 0.2.0, for TypeScript programs that use them: the SDKs of other languages add
// "Args" to every input type themselves, which made these `RetentionArgsArgs` (CHANGELOG.md).
/** @deprecated Renamed to SyslogDestination in 0.2.0. */
export type SyslogDestinationArgs = SyslogDestination;
/** @deprecated Renamed to ElasticsearchAuth in 0.2.0. */
export type ElasticsearchAuthArgs = ElasticsearchAuth;
/** @deprecated Renamed to TlsCa in 0.2.0. */
export type TlsCaArgs = TlsCa;
/** @deprecated Renamed to Tls in 0.2.0. */
export type TlsArgs = Tls;
/** @deprecated Renamed to ElasticsearchDestination in 0.2.0. */
export type ElasticsearchDestinationArgs = ElasticsearchDestination;
/** @deprecated Renamed to Destination in 0.2.0. */
export type DestinationArgs = Destination;
/** @deprecated Renamed to Toleration in 0.2.0. */
export type TolerationArgs = Toleration;
/** @deprecated Renamed to Retention in 0.2.0. */
export type RetentionArgs = Retention;
/** @deprecated Renamed to ResourceQuantities in 0.2.0. */
export type ResourceQuantitiesArgs = ResourceQuantities;
/** @deprecated Renamed to ContainerResources in 0.2.0. */
export type ContainerResourcesArgs = ContainerResources;
/** @deprecated Renamed to Resources in 0.2.0. */
export type ResourcesArgs = Resources;
/** @deprecated Renamed to Probe in 0.2.0. */
export type ProbeArgs = Probe;
/** @deprecated Renamed to Probes in 0.2.0. */
export type ProbesArgs = Probes;
/** @deprecated Renamed to LogVolume in 0.2.0. */
export type LogVolumeArgs = LogVolume;
