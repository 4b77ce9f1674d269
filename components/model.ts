// The args after validation: every default and the production preset applied, every value
// checked. Pure data; the manifest builder reads only this.
import type { Unwrap } from "@pulumi/pulumi";
import {
    Affinity,
    ImagePullPolicy,
    SecurityProfile,
    Shipper,
    StorageMedium,
    SyslogProtocol,
    TaintEffect,
    TolerationOperator,
    Workload,
} from "./args";

/** Quantities of one container's requests or limits, under Kubernetes' own names. */
export type Quantities = Partial<Record<"cpu" | "memory" | "ephemeral-storage", string>>;

export interface ValidatedResources {
    requests?: Quantities;
    limits?: Quantities;
}

export interface ValidatedProbe {
    /** The HTTP path (nginx's probes); absent on the sidecar's exec probe. */
    path?: string;
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
}

/** Retention in bytes and seconds, as the shipper script uses them. */
export interface RetentionSettings {
    /** Allocated bytes both log files may keep together; each keeps at most half. */
    maxBytes: number;
    /** Seconds a line is kept after it was written. */
    maxAgeSeconds: number;
}

/** A syslog receiver the log agent delivers to (args.destination.syslog), parsed. */
export interface SyslogTarget {
    kind: "syslog";
    host: string;
    port: number;
    protocol: SyslogProtocol;
    /** TLS over either transport. */
    tls?: TlsSettings;
}

/** TLS for a destination (args.destination.*.tls), parsed. */
export interface TlsSettings {
    /** The CA bundle's source: a ConfigMap's or a Secret's key. */
    ca?: { kind: "configMap" | "secret"; name: string; key: string };
    /** A kubernetes.io/tls Secret: the agent's certificate. */
    clientCertSecret?: string;
    /** Verification off (set explicitly). */
    insecureSkipVerify: boolean;
}

/** A service taking the Elasticsearch bulk API (args.destination.elasticsearch), parsed. */
export interface ElasticsearchTarget {
    kind: "elasticsearch";
    /** scheme://host:port[/path], no trailing slash: rsyslog posts to <server>/_bulk. */
    server: string;
    /** With an https url: how the service is checked. */
    tls?: TlsSettings;
    /** The url's query string without "?" (kept on every bulk request), or "". */
    query: string;
    index: string;
    /** A Secret of type kubernetes.io/basic-auth whose username and password the agent sends. */
    basicAuthSecret?: string;
}

/** Where the log agent delivers the logs (args.destination), parsed. */
export type AgentDestination = SyslogTarget | ElasticsearchTarget;

/** What the sidecar runs: one of the shippers to stdout, or the log agent (with a destination). */
export type SidecarShipper = Shipper | "agent";

/** A toleration as the Pod spec holds it. */
export interface ValidatedToleration {
    readonly key?: string;
    readonly operator: TolerationOperator;
    readonly value?: string;
    readonly effect?: TaintEffect;
    readonly tolerationSeconds?: number;
}

/** The affinity as the pod spec holds it: the args' structure, every value plain. */
export type ValidatedAffinity = Unwrap<Affinity>;

/** The workload's custom timeouts, as Pulumi's resource option takes them. */
export interface ValidatedTimeouts {
    readonly create?: string;
    readonly update?: string;
    readonly delete?: string;
}

export interface ValidatedArgs {
    /** The Pod's name, or the Deployment's (and its Service's and PodDisruptionBudget's). */
    readonly podName: string;
    readonly workload: Workload;
    /** Pods of the Deployment; 1 for the Pod workload. */
    readonly replicas: number;
    /** Whether a Service selects the pods. */
    readonly service: boolean;
    readonly namespace?: string;
    readonly nginxImage: string;
    readonly sidecarImage: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly imagePullPolicy?: ImagePullPolicy;
    readonly resources: { nginx?: ValidatedResources; sidecar?: ValidatedResources };
    readonly probes?: { readiness: ValidatedProbe; liveness: ValidatedProbe; sidecarLiveness?: ValidatedProbe };
    readonly logVolume?: { sizeLimit?: string; medium?: StorageMedium };
    readonly security: SecurityProfile;
    /** "agent" exactly when there is a destination. */
    readonly shipper: SidecarShipper;
    readonly catLoopPeriodSeconds: number;
    readonly destination?: AgentDestination;
    readonly retention?: RetentionSettings;
    readonly nativeSidecar: boolean;
    /** Node taints the pods tolerate. */
    readonly tolerations?: readonly ValidatedToleration[];
    readonly nodeSelector?: Record<string, string>;
    readonly priorityClassName?: string;
    readonly serviceAccountName?: string;
    /** Secret names; the pod spec holds them as `{ name }`. */
    readonly imagePullSecrets?: readonly string[];
    /** The pods' grace period at termination, which the shippers' drain deadline comes from. */
    readonly terminationGracePeriodSeconds?: number;
    readonly affinity?: ValidatedAffinity;
    /** The provider's waits for the workload, a resource option of it. */
    readonly customTimeouts?: ValidatedTimeouts;
    /** The workload and Service carry pulumi.com/skipAwait: "true". */
    readonly skipAwait: boolean;
}
