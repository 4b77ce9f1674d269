import * as pulumi from "@pulumi/pulumi";

/** CPU and memory, as Kubernetes quantities. */
export interface LogServiceQuantities {
    /** CPU, e.g. "100m" or "1". @default see LogServiceResources */
    readonly cpu?: string;
    /** Memory, e.g. "256Mi" or "1Gi". @default see LogServiceResources */
    readonly memory?: string;
}

/** Requests and limits of the VictoriaLogs container. */
export interface LogServiceResources {
    /** What the scheduler reserves for VictoriaLogs. @default { cpu: "100m", memory: "256Mi" } */
    readonly requests?: LogServiceQuantities;
    /** What VictoriaLogs may use at most. @default { cpu: "1", memory: "1Gi" } */
    readonly limits?: LogServiceQuantities;
}

/**
 * Alerting on the webserver's logs: vmalert evaluates two LogsQL rules against the LogService and
 * posts what fires to an Alertmanager (docs/alerting.md). WebserverErrors: a pod answered
 * `errorThreshold` 5xx within `errorWindow`. WebserverSilent: a pod that sent records within
 * `silenceLookback` sent none for `silentAfter`.
 */
export interface LogServiceAlerting {
    /** Alertmanager's base URL (http:// or https://, no credentials): vmalert POSTs the firing alerts, a JSON array in Alertmanager's API v2, to `<notifierUrl>/api/v2/alerts` at every evaluation; Alertmanager routes them to a webhook, chat or mail. */
    readonly notifierUrl: string;
    /** 5xx answers from one pod within `errorWindow` that fire WebserverErrors, an integer from 1. @default 10 */
    readonly errorThreshold?: number;
    /** The window WebserverErrors counts over, a duration ("5m", "1h"), at least `evaluationInterval`. @default "5m" */
    readonly errorWindow?: string;
    /** How long a pod that sent records within `silenceLookback` must send none to fire WebserverSilent, a duration, at least `evaluationInterval`. @default "10m" */
    readonly silentAfter?: string;
    /** How far back WebserverSilent looks for the pods that sent records, a duration longer than `silentAfter`; a pod gone for good (a rollout, a scale-down) fires it until its last record is older than this. @default "1h" */
    readonly silenceLookback?: string;
    /** How often vmalert evaluates the rules, a duration of at least 1s. @default "1m" */
    readonly evaluationInterval?: string;
    /** The vmalert image. @default "victoriametrics/vmalert:v1.151.0" */
    readonly image?: pulumi.Input<string>;
}

/**
 * VictoriaLogs' cluster mode, for more logs than one node takes (docs/delivery.md, "Past one
 * node"): storage nodes, each with its own claim, holding a share of the logs each (every log
 * stream on one of them), and front nodes behind the Service taking ingestion and queries.
 */
export interface LogServiceCluster {
    /** Storage nodes, a StatefulSet `<name>-storage` with a claim of `storageSize` each, from 2 to 64. @default 2 */
    readonly storageNodes?: number;
    /** Front nodes, a Deployment `<name>` behind the Service `<name>`: they spread what comes in over the storage nodes and ask all of them for a query; from 1 to 64. @default 2 */
    readonly frontends?: number;
}

/**
 * Who reaches the LogService (docs/delivery.md, "Who reaches the LogService"). Closed: vmauth in
 * front of VictoriaLogs lets the user `ingest` only insert and the user `reader` only query, each
 * with a password from a Pulumi secret, kept in the basic-auth Secrets `<name>-ingest` and
 * `<name>-reader`; a NetworkPolicy lets in only the pods running a log agent (a WebserverPod with
 * a destination) and the readers named here. Pass the LogService's `destination` output as a
 * WebserverPod's destination: its agents then use `<name>-ingest`, no password copied.
 */
export interface LogServiceAccess {
    /** Open it: no credentials, no NetworkPolicy, every pod in the cluster reads and writes every record. Reported by the policy pack. @default false (closed) */
    readonly open?: boolean;
    /** The password agents insert with (user `ingest`), a Pulumi secret (`config.requireSecret`): 16 to 256 printable ASCII characters, no space, `"`, `\` or `%`. Required when closed. */
    readonly ingestPassword?: pulumi.Input<string>;
    /** The password developers and vmalert query with (user `reader`), a Pulumi secret, the same rule. Required when closed. */
    readonly readerPassword?: pulumi.Input<string>;
    /** Namespaces whose log agents insert: each gets the Secret `<name>-ingest`, and the NetworkPolicy admits their agents' pods. Needs `namespace`. @default the LogService's namespace only */
    readonly agentNamespaces?: string[];
    /** Pods that may query, besides vmalert and `kubectl port-forward` (which no NetworkPolicy sees). @default none */
    readonly readers?: LogServiceReaders;
    /** The vmauth image. @default "victoriametrics/vmauth:v1.151.0" */
    readonly image?: pulumi.Input<string>;
}

/** The pods a closed LogService's NetworkPolicy admits to query (they still need the reader's password). */
export interface LogServiceReaders {
    /** Namespaces whose pods may query (every pod, or those with podLabels). @default the LogService's namespace, with podLabels */
    readonly namespaces?: string[];
    /** Labels of the pods that may query. @default every pod of `namespaces` */
    readonly podLabels?: Record<string, string>;
}

/** A VictoriaLogs single node the webserver's agent delivers to, and developers query. */
export interface LogServiceArgs {
    /** Name of the StatefulSet, its Service and its PersistentVolumeClaim template, a DNS-1035 label (a Service name). @default the component's name */
    readonly name?: string;
    /** Namespace of its objects; with one, its URLs name it (`<name>.<namespace>.svc`), so clients in other namespaces reach it. @default the provider's (the kubeconfig context's); its URLs then use the bare name, reachable from that namespace */
    readonly namespace?: pulumi.Input<string>;
    /** The VictoriaLogs image. @default "victoriametrics/victoria-logs:v1.52.1" */
    readonly image?: pulumi.Input<string>;
    /** How long logs are kept, a VictoriaLogs duration ("2d", "36h", "1w") of at least 24h (the task's last 24 hours). @default "2d" */
    readonly retentionPeriod?: string;
    /** Size of its PersistentVolumeClaim, a quantity of whole bytes, at least 1Gi. @default "10Gi" */
    readonly storageSize?: string;
    /** StorageClass of the claim. @default the cluster's default StorageClass */
    readonly storageClassName?: pulumi.Input<string>;
    /** Requests and limits, merged field by field over the defaults. */
    readonly resources?: LogServiceResources;
    /** Cluster mode: storage and front nodes instead of the single node; the same URLs. A new store: a single node's logs stay on its claim. @default none (a single node) */
    readonly cluster?: LogServiceCluster;
    /** Alerts on the webserver's logs (vmalert, a Deployment of one pod beside the service). @default none */
    readonly alerting?: LogServiceAlerting;
    /** Who reaches it: closed (agents insert, readers query, each with a password) or, said explicitly, open. Required since 0.3.0: a LogService is closed by default, and closing it needs the two passwords. */
    readonly access: LogServiceAccess;
}

// The names before 0.2.0 (CHANGELOG.md).
/** @deprecated Renamed to LogServiceQuantities in 0.2.0. */
export type LogServiceQuantitiesArgs = LogServiceQuantities;
/** @deprecated Renamed to LogServiceResources in 0.2.0. */
export type LogServiceResourcesArgs = LogServiceResources;
