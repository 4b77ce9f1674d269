// The project's own policy check: one rule per finding the common linters report on the seed Pod.
// Each rule returns the violations it finds in a rendered Pod (an empty list means it passes).

type Pod = any;
type Container = any;

export interface Rule {
    id: string;
    title: string;
    /** The rule names of the linters that report the same finding. */
    linters: string[];
    check(pod: Pod): string[];
}

const containers = (pod: Pod): Container[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
const each = (pod: Pod, bad: (c: Container) => boolean, what: string): string[] =>
    containers(pod)
        .filter(bad)
        .map((c) => `${c.name}: ${what}`);
/** A container's effective securityContext field: its own, else the Pod's. */
const effective = (pod: Pod, c: Container, key: string): unknown =>
    c.securityContext?.[key] ?? pod.spec.securityContext?.[key];

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
        check: (pod) =>
            each(pod, (c) => !c.resources?.requests?.cpu || !c.resources?.limits?.cpu, "no cpu request or limit"),
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
        check: (pod) =>
            each(
                pod,
                (c) => !c.resources?.requests?.memory || !c.resources?.limits?.memory,
                "no memory request or limit",
            ),
    },
    {
        id: "ephemeral-storage-requests-limits",
        title: "Ephemeral storage requests and limits set",
        linters: ["kube-score container-ephemeral-storage-request-and-limit"],
        check: (pod) =>
            each(
                pod,
                (c) => !c.resources?.requests?.["ephemeral-storage"] || !c.resources?.limits?.["ephemeral-storage"],
                "no ephemeral-storage request or limit",
            ),
    },
    {
        id: "readiness-probe",
        title: "The serving container (nginx) has a readiness probe",
        linters: [
            "kube-linter no-readiness-probe",
            "Polaris readinessProbeMissing",
            "Checkov CKV_K8S_9",
            "kube-score pod-probes",
        ],
        check: (pod) => each(pod, (c) => c.name === "nginx-container" && !c.readinessProbe, "no readiness probe"),
    },
    {
        id: "liveness-probe",
        title: "Every container has a liveness probe",
        linters: ["kube-linter no-liveness-probe", "Polaris livenessProbeMissing", "Checkov CKV_K8S_8"],
        check: (pod) => each(pod, (c) => !c.livenessProbe, "no liveness probe"),
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
        check: (pod) =>
            each(
                pod,
                (c) => {
                    const image: string = c.image.split("@")[0];
                    const lastPart = image.slice(image.lastIndexOf("/") + 1);
                    return !c.image.includes("@") && (!lastPart.includes(":") || lastPart.endsWith(":latest"));
                },
                "image is :latest or untagged",
            ),
    },
    {
        id: "image-pull-policy-always",
        title: "imagePullPolicy: Always",
        linters: ["kube-score container-image-pull-policy", "Polaris pullPolicyNotAlways", "Checkov CKV_K8S_15"],
        check: (pod) => each(pod, (c) => c.imagePullPolicy !== "Always", "imagePullPolicy is not Always"),
    },
    {
        id: "run-as-non-root",
        title: "Containers run as a non-root user",
        linters: ["kube-linter run-as-non-root", "Polaris runAsRootAllowed", "Checkov CKV_K8S_23"],
        check: (pod) =>
            each(
                pod,
                (c) => effective(pod, c, "runAsNonRoot") !== true || effective(pod, c, "runAsUser") === 0,
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
        check: (pod) =>
            each(pod, (c) => c.securityContext?.readOnlyRootFilesystem !== true, "root filesystem is writable"),
    },
    {
        id: "seccomp-runtime-default",
        title: "seccompProfile RuntimeDefault (or Localhost)",
        linters: ["Checkov CKV_K8S_31", "Pod Security Standards restricted"],
        check: (pod) =>
            each(
                pod,
                (c) => !["RuntimeDefault", "Localhost"].includes((effective(pod, c, "seccompProfile") as any)?.type),
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
        ],
        check: (pod) =>
            each(
                pod,
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
        ],
        check: (pod) =>
            each(pod, (c) => c.securityContext?.allowPrivilegeEscalation !== false, "privilege escalation allowed"),
    },
    {
        id: "no-service-account-token",
        title: "Service account token not mounted",
        linters: ["Checkov CKV_K8S_38"],
        check: (pod) =>
            pod.spec.automountServiceAccountToken === false ? [] : ["pod: automountServiceAccountToken is not false"],
    },
    {
        id: "emptydir-size-limit",
        title: "Every emptyDir has a sizeLimit",
        linters: ["Kyverno add-emptydir-sizelimit"],
        check: (pod) =>
            (pod.spec.volumes ?? [])
                .filter((v: any) => v.emptyDir && !v.emptyDir.sizeLimit)
                .map((v: any) => `volume ${v.name}: emptyDir without sizeLimit`),
    },
];

/** The ids of the rules a Pod fails, with their violations. */
export function evaluate(pod: Pod): Record<string, string[]> {
    return Object.fromEntries(RULES.map((r) => [r.id, r.check(pod)]).filter(([, v]) => v.length > 0));
}
