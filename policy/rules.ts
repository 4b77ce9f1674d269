// The rules of the policy pack: one per finding the common Kubernetes linters report on the seed
// Pod, each checking a pod spec. Pure (no @pulumi/policy at run time), so the pack (index.ts),
// the offline findings of `npm run render -- --policy`, the unit tests and docs/policy.md's table all use
// these same definitions.

type PodSpec = any;
type Container = any;

export interface Rule {
    /** The policy's name in the pack. */
    id: string;
    title: string;
    /** The rule names of the linters that report the same finding. */
    linters: string[];
    /** What fixes it: the WebserverPod option first, then the Kubernetes field for any workload. */
    remediation: string;
    /** Part of the Pod Security Standards "restricted" profile (mandatory under config/restricted-mandatory.json). */
    pssRestricted: boolean;
    /** One of the "baseline" profile's controls (which restricted includes): the seed passes these. */
    pssBaseline?: true;
    /** Checks the log agent's delivery: only a pod with a destination can fail it (the seed has none). */
    logAgent?: true;
    /** Checks a LogService's pod (VictoriaLogs): only it can fail it (the seed has none). */
    logService?: true;
    severity: "low" | "medium" | "high";
    /** The violations in a pod spec (an empty list: it passes). */
    check(spec: PodSpec): string[];
    /** The violations in a ConfigMap's data, for rules that read a config the pods mount. */
    checkConfigMap?(data: Record<string, string>): string[];
}

/**
 * What in the log agent's rsyslog.conf turns verification of the destination off, whatever put it
 * there: omelasticsearch's two switches, and anonymous TLS over syslog.
 */
const UNVERIFIED_TLS: Array<[RegExp, string]> = [
    [/\ballowunsignedcerts\s*=\s*"on"/i, 'omelasticsearch accepts an unsigned certificate (allowunsignedcerts="on")'],
    [/\bskipverifyhost\s*=\s*"on"/i, 'omelasticsearch does not check the host name (skipverifyhost="on")'],
    [
        /\bStreamDriverAuthMode\s*=\s*"anon"/i,
        'syslog over TLS does not verify the receiver (StreamDriverAuthMode="anon")',
    ],
];

/** A ConfigMap's findings in the log agent's config (its `rsyslog.conf` key), each prefixed with that key. */
function inAgentConf(data: Record<string, string>, findings: (conf: string) => string[]): string[] {
    const key = "rsyslog.conf";
    return key in data ? findings(data[key]).map((what) => `${key}: ${what}`) : [];
}

/**
 * The omelasticsearch actions of an rsyslog.conf that send credentials (uid=) to an http:// server:
 * what `destination.elasticsearch.auth.allowPlainHttp` renders, whatever wrote it.
 */
function credentialsInTheClear(conf: string): string[] {
    return conf
        .split(/\baction\s*\(/)
        .slice(1)
        .filter((a) => /\btype\s*=\s*"omelasticsearch"/i.test(a) && /\buid\s*=/i.test(a))
        .flatMap((a) => {
            const server = /\bserver\s*=\s*"(http:\/\/[^"]*)"/i.exec(a);
            return server ? [`omelasticsearch sends basic-auth credentials over plain http (${server[1]})`] : [];
        });
}

const containers = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
const each = (spec: PodSpec, bad: (c: Container) => boolean, what: string): string[] =>
    containers(spec)
        .filter(bad)
        .map((c) => `${c.name}: ${what}`);
/** A container's effective securityContext field: its own, else the pod's. */
const effective = (spec: PodSpec, c: Container, key: string): unknown =>
    c.securityContext?.[key] ?? spec.securityContext?.[key];

/** A container's command line, command and args together. */
const flagsOf = (c: Container): string[] => [...(c.command ?? []), ...(c.args ?? [])].map(String);
/** True when a command line is VictoriaLogs': a node with data, or a cluster's front node. */
const isVictoriaLogs = (flags: string[]): boolean =>
    flags.some((a) => a.startsWith("-storageDataPath=") || a.startsWith("-storageNode="));

const RESTRICTED = "set `security: restricted` (or `production: true`)";

/** The capabilities the Pod Security Standards' baseline lets a container add (Kubernetes' docs). */
export const BASELINE_CAPABILITIES = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

export const RULES: Rule[] = [
    {
        id: "cpu-requests-limits",
        title: "CPU requests and limits set",
        linters: [
            "kube-score container-resources",
            "kube-linter unset-cpu-requirements",
            "Polaris cpuRequestsMissing/cpuLimitsMissing",
            "Checkov CKV_K8S_10/CKV_K8S_11",
        ],
        remediation: "set `resources` (or `production: true`); elsewhere resources.requests/limits.cpu",
        pssRestricted: false,
        severity: "medium",
        check: (spec) =>
            each(spec, (c) => !c.resources?.requests?.cpu || !c.resources?.limits?.cpu, "no cpu request or limit"),
    },
    {
        id: "memory-requests-limits",
        title: "Memory requests and limits set",
        linters: [
            "kube-score container-resources",
            "kube-linter unset-memory-requirements",
            "Polaris memoryRequestsMissing/memoryLimitsMissing",
            "Checkov CKV_K8S_12/CKV_K8S_13",
        ],
        remediation: "set `resources` (or `production: true`); elsewhere resources.requests/limits.memory",
        pssRestricted: false,
        severity: "medium",
        check: (spec) =>
            each(
                spec,
                (c) => !c.resources?.requests?.memory || !c.resources?.limits?.memory,
                "no memory request or limit",
            ),
    },
    {
        id: "ephemeral-storage-requests-limits",
        title: "Ephemeral storage requests and limits set",
        linters: ["kube-score container-ephemeral-storage-request-and-limit"],
        remediation:
            "set `resources.*.ephemeralStorage` (or `production: true`); elsewhere resources.requests/limits.ephemeral-storage",
        pssRestricted: false,
        severity: "low",
        check: (spec) =>
            each(
                spec,
                (c) => !c.resources?.requests?.["ephemeral-storage"] || !c.resources?.limits?.["ephemeral-storage"],
                "no ephemeral-storage request or limit",
            ),
    },
    {
        id: "readiness-probe",
        title: "Serving containers (with ports, or nginx-container) have a readiness probe",
        linters: [
            "kube-linter no-readiness-probe",
            "Polaris readinessProbeMissing",
            "Checkov CKV_K8S_9",
            "kube-score pod-probes",
        ],
        remediation: "set `probes: {}` (or `production: true`); elsewhere readinessProbe",
        pssRestricted: false,
        severity: "medium",
        check: (spec) =>
            each(
                spec,
                (c) => (c.name === "nginx-container" || (c.ports ?? []).length > 0) && !c.readinessProbe,
                "no readiness probe",
            ),
    },
    {
        id: "liveness-probe",
        title: "Every container has a liveness probe",
        linters: ["kube-linter no-liveness-probe", "Polaris livenessProbeMissing", "Checkov CKV_K8S_8"],
        remediation: "set `probes: { sidecarLiveness: {} }` (or `production: true`); elsewhere livenessProbe",
        pssRestricted: false,
        severity: "medium",
        check: (spec) => each(spec, (c) => !c.livenessProbe, "no liveness probe"),
    },
    {
        id: "image-tag-pinned",
        title: "Images pinned by tag or digest, not :latest",
        linters: [
            "kube-score container-image-tag",
            "kube-linter latest-tag",
            "Polaris tagNotSpecified",
            "Checkov CKV_K8S_14",
        ],
        remediation: "set `nginxImage` / `sidecarImage` to a version or digest (or `production: true`)",
        pssRestricted: false,
        severity: "medium",
        check: (spec) =>
            each(
                spec,
                (c) => {
                    const image: string = String(c.image ?? "").split("@")[0];
                    const lastPart = image.slice(image.lastIndexOf("/") + 1);
                    return !String(c.image).includes("@") && (!lastPart.includes(":") || lastPart.endsWith(":latest"));
                },
                "image is :latest or untagged",
            ),
    },
    {
        id: "image-pull-policy-always",
        title: "imagePullPolicy: Always",
        linters: ["kube-score container-image-pull-policy", "Polaris pullPolicyNotAlways", "Checkov CKV_K8S_15"],
        remediation: "set `imagePullPolicy: Always` (or `production: true`)",
        pssRestricted: false,
        severity: "low",
        check: (spec) => each(spec, (c) => c.imagePullPolicy !== "Always", "imagePullPolicy is not Always"),
    },
    {
        id: "run-as-non-root",
        title: "Containers run as a non-root user",
        linters: [
            "kube-linter run-as-non-root",
            "Polaris runAsRootAllowed",
            "Checkov CKV_K8S_23",
            "Pod Security Standards restricted",
        ],
        remediation: `${RESTRICTED}; elsewhere securityContext.runAsNonRoot: true`,
        pssRestricted: true,
        severity: "high",
        check: (spec) =>
            each(
                spec,
                (c) => effective(spec, c, "runAsNonRoot") !== true || effective(spec, c, "runAsUser") === 0,
                "may run as root",
            ),
    },
    {
        id: "read-only-root-filesystem",
        title: "Read-only root filesystems",
        linters: [
            "kube-score container-security-context-readonlyrootfilesystem",
            "kube-linter no-read-only-root-fs",
            "Polaris notReadOnlyRootFilesystem",
            "Checkov CKV_K8S_22",
        ],
        remediation: `${RESTRICTED}; elsewhere securityContext.readOnlyRootFilesystem: true`,
        pssRestricted: false,
        severity: "medium",
        check: (spec) =>
            each(spec, (c) => c.securityContext?.readOnlyRootFilesystem !== true, "root filesystem is writable"),
    },
    {
        id: "seccomp-runtime-default",
        title: "seccompProfile RuntimeDefault (or Localhost)",
        linters: ["Checkov CKV_K8S_31", "Pod Security Standards restricted"],
        remediation: `${RESTRICTED}; elsewhere securityContext.seccompProfile.type: RuntimeDefault`,
        pssRestricted: true,
        severity: "high",
        check: (spec) =>
            each(
                spec,
                (c) => !["RuntimeDefault", "Localhost"].includes((effective(spec, c, "seccompProfile") as any)?.type),
                "no seccomp profile",
            ),
    },
    {
        id: "capabilities-drop-all",
        title: "All capabilities dropped (NET_BIND_SERVICE the only one added back)",
        linters: [
            "Checkov CKV_K8S_37/CKV_K8S_28",
            "kube-linter drop-net-raw-capability",
            "Polaris insecureCapabilities",
            "Pod Security Standards restricted",
        ],
        remediation: `${RESTRICTED}; elsewhere securityContext.capabilities.drop: [ALL]`,
        pssRestricted: true,
        severity: "high",
        check: (spec) =>
            each(
                spec,
                (c) =>
                    !(c.securityContext?.capabilities?.drop ?? []).includes("ALL") ||
                    (c.securityContext?.capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE"),
                "capabilities not dropped",
            ),
    },
    {
        id: "no-privilege-escalation",
        title: "allowPrivilegeEscalation: false",
        linters: [
            "kube-linter privilege-escalation-container",
            "Polaris privilegeEscalationAllowed",
            "Checkov CKV_K8S_20",
            "Pod Security Standards restricted",
        ],
        remediation: `${RESTRICTED}; elsewhere securityContext.allowPrivilegeEscalation: false`,
        pssRestricted: true,
        severity: "high",
        check: (spec) =>
            each(spec, (c) => c.securityContext?.allowPrivilegeEscalation !== false, "privilege escalation allowed"),
    },
    {
        id: "no-service-account-token",
        title: "Service account token not mounted",
        linters: ["Checkov CKV_K8S_38"],
        remediation: `${RESTRICTED}; elsewhere automountServiceAccountToken: false`,
        pssRestricted: false,
        severity: "medium",
        check: (spec) =>
            spec.automountServiceAccountToken === false ? [] : ["pod: automountServiceAccountToken is not false"],
    },
    {
        id: "emptydir-size-limit",
        title: "Every emptyDir has a sizeLimit",
        linters: ["Kyverno add-emptydir-sizelimit"],
        remediation: "set `logVolume.sizeLimit` (or `production: true`); elsewhere emptyDir.sizeLimit",
        pssRestricted: false,
        severity: "medium",
        check: (spec) =>
            (spec.volumes ?? [])
                .filter((v: any) => v.emptyDir && !v.emptyDir.sizeLimit)
                .map((v: any) => `volume ${v.name}: emptyDir without sizeLimit`),
    },
    // The Pod Security Standards' baseline controls (part of restricted too): what no webserver
    // needs and what lets a container reach past its pod. The component sets none of these.
    {
        id: "no-host-namespaces",
        title: "No host network, PID or IPC namespace",
        linters: [
            "kube-linter host-network/host-pid/host-ipc",
            "Polaris hostNetworkSet/hostPIDSet/hostIPCSet",
            "Checkov CKV_K8S_17/CKV_K8S_18/CKV_K8S_19",
            "Pod Security Standards baseline",
        ],
        remediation:
            "set nothing: the component never sets them; elsewhere leave hostNetwork, hostPID and hostIPC unset",
        pssRestricted: true,
        pssBaseline: true,
        severity: "high",
        check: (spec) =>
            (["hostNetwork", "hostPID", "hostIPC"] as const)
                .filter((k) => spec[k] === true)
                .map((k) => `pod: ${k} is true`),
    },
    {
        id: "no-host-path",
        title: "No hostPath volume",
        linters: ["kube-linter sensitive-host-mounts", "Polaris hostPathSet", "Pod Security Standards baseline"],
        remediation:
            "set nothing: the component mounts none; elsewhere an emptyDir or a PersistentVolumeClaim instead of hostPath",
        pssRestricted: true,
        pssBaseline: true,
        severity: "high",
        check: (spec) =>
            (spec.volumes ?? [])
                .filter((v: any) => v.hostPath)
                .map((v: any) => `volume ${v.name}: hostPath ${v.hostPath.path}`),
    },
    {
        id: "no-host-port",
        title: "No container port bound on the host",
        linters: ["kube-linter host-port", "Polaris hostPortSet", "Pod Security Standards baseline"],
        remediation: "set `service: true` to reach the pods through a Service; elsewhere no hostPort",
        pssRestricted: true,
        pssBaseline: true,
        severity: "medium",
        check: (spec) =>
            containers(spec).flatMap((c) =>
                (c.ports ?? [])
                    .filter((p: any) => p.hostPort !== undefined && p.hostPort !== 0)
                    .map((p: any) => `${c.name}: port ${p.containerPort} bound on the host's ${p.hostPort}`),
            ),
    },
    {
        id: "not-privileged",
        title: "No privileged container",
        linters: [
            "kube-linter privileged-container",
            "Polaris privileged",
            "Checkov CKV_K8S_16",
            "Pod Security Standards baseline",
        ],
        remediation: "set nothing: the component never sets it; elsewhere leave securityContext.privileged unset",
        pssRestricted: true,
        pssBaseline: true,
        severity: "high",
        check: (spec) => each(spec, (c) => c.securityContext?.privileged === true, "privileged"),
    },
    {
        id: "capabilities-baseline",
        title: "No capability added beyond the baseline set",
        linters: ["Polaris dangerousCapabilities", "Checkov CKV_K8S_39", "Pod Security Standards baseline"],
        remediation: `${RESTRICTED}, which drops every capability; elsewhere add none outside ${BASELINE_CAPABILITIES.join(", ")}`,
        pssRestricted: true,
        pssBaseline: true,
        severity: "high",
        check: (spec) =>
            containers(spec).flatMap((c) =>
                (c.securityContext?.capabilities?.add ?? [])
                    .filter((cap: string) => !BASELINE_CAPABILITIES.includes(cap.replace(/^CAP_/, "")))
                    .map((cap: string) => `${c.name}: adds ${cap}`),
            ),
    },
    {
        id: "tls-verification-on",
        logAgent: true,
        title: "TLS to the log destination verifies the service",
        linters: ["none: this component's log agent (destination.elasticsearch.tls.insecureSkipVerify)"],
        remediation:
            "set `destination.elasticsearch.tls.ca` to the CA that signs the service's certificate, instead of `insecureSkipVerify`",
        pssRestricted: false,
        severity: "high",
        // The component says so in the agent's environment (components/manifest.ts), which agent.sh reads too...
        check: (spec) =>
            each(
                spec,
                (c) => (c.env ?? []).some((e: any) => e.name === "AGENT_TLS_VERIFY" && e.value === "off"),
                "the log agent does not verify the destination's certificate (AGENT_TLS_VERIFY=off)",
            ),
        // ... and the agent's config says what rsyslog will do, whatever wrote it.
        checkConfigMap: (data) =>
            inAgentConf(data, (conf) => UNVERIFIED_TLS.filter(([re]) => re.test(conf)).map(([, what]) => what)),
    },
    {
        id: "credentials-over-tls",
        logAgent: true,
        title: "The log agent's credentials travel encrypted",
        linters: ["none: this component's log agent (destination.elasticsearch.auth.allowPlainHttp)"],
        remediation:
            "set `destination.elasticsearch.url` to an https:// url (with `tls.ca` if a private CA signs it), instead of `auth.allowPlainHttp`",
        pssRestricted: false,
        severity: "high",
        check: () => [],
        // Read from the agent's config: the server it posts to and the credentials it sends.
        checkConfigMap: (data) => inAgentConf(data, credentialsInTheClear),
    },
    {
        id: "log-service-closed",
        logService: true,
        title: "The log-aggregation service authenticates who reads and writes it",
        linters: ["none: this component's LogService with access.open"],
        remediation:
            "set `access` on the LogService (its ingest and reader passwords from Pulumi secrets), instead of `access.open`",
        pssRestricted: false,
        severity: "high",
        // VictoriaLogs authenticates nobody by default: serving its HTTP API beyond the pod's loopback
        // (where a closed LogService's vmauth reaches it) lets every pod that reaches it read and write
        // everything -- unless its own basic auth is on (a closed cluster's storage nodes: a user and a
        // password, which only the front nodes hold).
        check: (spec) =>
            containers(spec).flatMap((c) => {
                const args = flagsOf(c);
                if (!isVictoriaLogs(args)) return [];
                const flag = (name: string) =>
                    args.filter((a) => a.startsWith(`-${name}=`)).map((a) => a.slice(name.length + 2));
                if (flag("httpAuth.username").some((u) => u !== "") && flag("httpAuth.password").some((p) => p !== ""))
                    return [];
                const listen =
                    args.find((a) => a.startsWith("-httpListenAddr="))?.slice("-httpListenAddr=".length) ?? ":9428";
                const local = listen.split(",").every((addr) => /^(127\.0\.0\.1|\[::1\]|localhost):\d+$/.test(addr));
                return local
                    ? []
                    : [
                          `${c.name}: VictoriaLogs serves its HTTP API at ${JSON.stringify(listen)} with no authentication: whoever reaches the pod reads and writes every record`,
                      ];
            }),
    },
];

/** A rule over a stack's resources together (a policy pack's stack validation): what one resource cannot show. */
export interface StackRule {
    id: string;
    title: string;
    linters: string[];
    remediation: string;
    severity: "low" | "medium" | "high";
    /** Checks a LogService's objects (the seed has none). */
    logService: true;
    /** The violations among a stack's resources (Pulumi type and inputs): each its resource's index, and a message naming it. */
    check(resources: ReadonlyArray<{ type: string; props: any }>): Array<{ resource: number; message: string }>;
}

/** The kind and name a stack rule's message names a resource by ("StatefulSet logs"). */
const kindAndName = (type: string, props: any) => `${type.split(":").pop()} ${props?.metadata?.name ?? "?"}`;

/** True when `selector` (a NetworkPolicy's podSelector) selects pods labelled `labels` (matchLabels and matchExpressions). */
function selects(selector: any, labels: Record<string, string>): boolean {
    const matchLabels: Record<string, string> = selector?.matchLabels ?? {};
    if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
    return (selector?.matchExpressions ?? []).every((e: any) => {
        const has = e.key in labels;
        const values: string[] = e.values ?? [];
        switch (e.operator) {
            case "In":
                return has && values.includes(labels[e.key]);
            case "NotIn":
                return !has || !values.includes(labels[e.key]);
            case "Exists":
                return has;
            case "DoesNotExist":
                return !has;
            default:
                return false;
        }
    });
}

/** True when a pod spec runs VictoriaLogs. */
const runsVictoriaLogs = (spec: PodSpec): boolean => containers(spec).some((c) => isVictoriaLogs(flagsOf(c)));

export const STACK_RULES: StackRule[] = [
    {
        id: "log-service-network-policy",
        logService: true,
        title: "A NetworkPolicy decides who reaches the log-aggregation service",
        linters: ["none: this component's LogService with access.open"],
        remediation:
            "set `access` on the LogService: it declares a NetworkPolicy admitting its agents and the readers named, and nothing else",
        severity: "high",
        check: (resources) => {
            const policies = resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
            return resources.flatMap((r, index) => {
                const spec = podSpecOf(r.type, r.props);
                if (!spec || !runsVictoriaLogs(spec)) return [];
                // A Pod's own labels; a workload's, its template's (podSpecOf found the template's spec).
                const labels =
                    r.type === "kubernetes:core/v1:Pod"
                        ? r.props.metadata?.labels
                        : r.props.spec.template.metadata?.labels;
                const namespace = r.props.metadata?.namespace;
                const ingress = policies.some(
                    (p) =>
                        p.props.metadata?.namespace === namespace &&
                        (p.props.spec?.policyTypes ?? ["Ingress"]).includes("Ingress") &&
                        selects(p.props.spec?.podSelector, labels ?? {}),
                );
                return ingress
                    ? []
                    : [
                          {
                              resource: index,
                              message: `${kindAndName(r.type, r.props)}: no NetworkPolicy of the stack selects its pods: every pod in the cluster reaches VictoriaLogs`,
                          },
                      ];
            });
        },
    },
];

/** The Pulumi types of the workloads that carry a pod spec, and where it is. */
export const WORKLOADS: Record<string, (props: any) => PodSpec | undefined> = {
    "kubernetes:core/v1:Pod": (p) => p.spec,
    "kubernetes:apps/v1:Deployment": (p) => p.spec?.template?.spec,
    "kubernetes:apps/v1:StatefulSet": (p) => p.spec?.template?.spec,
    "kubernetes:apps/v1:DaemonSet": (p) => p.spec?.template?.spec,
    "kubernetes:apps/v1:ReplicaSet": (p) => p.spec?.template?.spec,
    "kubernetes:core/v1:ReplicationController": (p) => p.spec?.template?.spec,
    "kubernetes:batch/v1:Job": (p) => p.spec?.template?.spec,
    "kubernetes:batch/v1:CronJob": (p) => p.spec?.jobTemplate?.spec?.template?.spec,
};

/** The Pulumi type of a Kubernetes object, from its apiVersion and kind ("v1" is "core/v1"). */
export function pulumiType(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

/** The pod spec a resource carries (Pulumi type and inputs), or undefined for other resources. */
export function podSpecOf(type: string, props: any): PodSpec | undefined {
    return WORKLOADS[type]?.(props);
}

/** The rules a pod spec fails, with their violations. */
export function evaluate(spec: PodSpec): Record<string, string[]> {
    return Object.fromEntries(RULES.map((r) => [r.id, r.check(spec)]).filter(([, v]) => v.length > 0));
}
