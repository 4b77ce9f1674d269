// Changing an option of a deployed stack, as a pull request does: for every group of options in
// README's option table, on a deployed Pod stack (fixed name `webserver`), a Deployment stack and
// the LogService, `pulumi preview --diff` succeeds and shows the step the change needs (an update
// in place, a Deployment rollout, or a replacement of the Pod, which the API server cannot update),
// `pulumi up` succeeds, and the object the API server holds carries the new value. Each change
// builds on the one before, as successive pull requests do.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { retentionBudget } from "../../components/retention";
import { differences } from "./contains";
import { kubectl, logServiceVolume, objectsIn, Project, report, requirePrerequisites, ROOT, sh } from "./harness";
import { stepsOf, Step } from "./steps";
const { replacementsOf } = require("../../scripts/ci/preview-comment.js");

const PROJECT = "webserver-sidecar";
const OTHER_NS = "webserver-options";

/** One change of the stack file, what preview must show for it, and what the server then holds. */
interface Change {
    /** The option-table rows it covers, as the test's title. */
    readonly title: string;
    /** Keys to set (a value) or remove (undefined), without the project's namespace. */
    readonly config: Record<string, unknown>;
    /** Every step preview must show, as `op type` (e.g. `replace kubernetes:core/v1:Pod`); nothing else changes. */
    readonly steps: readonly Step[];
    /** Reads the server's objects after `pulumi up` and checks the new value is there. */
    readonly check: () => void;
}

/** What some options name and the test makes first: a PriorityClass, a ServiceAccount in "default". */
const TEST_OBJECTS = { priorityClass: "webserver-options", priority: 1000, serviceAccount: "webserver-options" };

function createTestObjects(): void {
    const objects = [
        {
            apiVersion: "scheduling.k8s.io/v1",
            kind: "PriorityClass",
            metadata: { name: TEST_OBJECTS.priorityClass },
            value: TEST_OBJECTS.priority,
        },
        {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: TEST_OBJECTS.serviceAccount, namespace: "default" },
        },
    ];
    for (const o of objects) {
        const r = sh("kubectl", ["apply", "-f", "-"], { input: JSON.stringify(o), timeoutMs: 60_000 });
        expect(r.code, r.out).to.equal(0);
    }
}

function deleteTestObjects(): void {
    kubectl(["delete", "priorityclass", TEST_OBJECTS.priorityClass, "--ignore-not-found"]);
    kubectl(["delete", "serviceaccount", TEST_OBJECTS.serviceAccount, "-n", "default", "--ignore-not-found"]);
}

/** Scheduled on the real node (its kubelet labels it linux), and away from other webservers where it can. */
const AFFINITY = {
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }],
        },
    },
    podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
            {
                weight: 100,
                podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: { "app.kubernetes.io/name": "webserver" } },
                },
            },
        ],
    },
};

const POD = "kubernetes:core/v1:Pod";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const SERVICE = "kubernetes:core/v1:Service";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";

function get(kind: string, name: string, namespace = "default"): any {
    const r = kubectl(["get", kind, name, "-n", namespace, "-o", "json"]);
    expect(r.code, `kubectl get ${kind} ${name} -n ${namespace}: ${r.out}`).to.equal(0);
    return JSON.parse(r.stdout);
}
const podSpec = (name = "webserver", namespace = "default") => get("pod", name, namespace).spec;
const templateSpec = () => get("deployment", "webserver").spec.template.spec;
const container = (spec: any, name: string) =>
    [...spec.containers, ...(spec.initContainers ?? [])].find((c: any) => c.name === name);
const command = (spec: any) => container(spec, "sidecar-container").command.join(" ");

/** A deployed stack of the project whose stack file the changes edit, as a pull request would. */
class ChangedStack {
    readonly project: Project;
    private config: Record<string, unknown>;

    constructor(
        readonly stack: string,
        base: Record<string, unknown>,
    ) {
        this.project = new Project(`options-${stack}`);
        this.config = { ...base };
        this.write();
    }

    /** The first `pulumi up` of the stack file as it starts. */
    deploy(): void {
        this.project.must(["stack", "init", this.stack], { quiet: true });
        const up = this.project.must(["up", "--yes", "--stack", this.stack]);
        report(
            `deployed ${this.stack}: ${up.out
                .split("\n")
                .filter((l) => /created/.test(l))
                .join("; ")}`,
        );
    }

    private get stackFile(): string {
        return path.join(this.project.dir, `Pulumi.${this.stack}.yaml`);
    }

    /** Writes the config into the stack file, keeping what the CLI keeps there (its encryption salt). */
    private write(): void {
        const keys = Object.fromEntries(Object.entries(this.config).map(([k, v]) => [`${PROJECT}:${k}`, v]));
        const kept = fs.existsSync(this.stackFile) ? parse(fs.readFileSync(this.stackFile, "utf8")) : {};
        fs.writeFileSync(this.stackFile, stringify({ ...kept, config: keys }));
    }

    /** Every object `npm run render` declares for the stack file is on the server, field by field. */
    private declaredIsOnServer(): void {
        const r = sh("npm", ["run", "-s", "render", "--", "--config-file", this.stackFile], { cwd: ROOT });
        expect(r.code, r.out).to.equal(0);
        for (const o of parseAllDocuments(r.stdout).map((d) => d.toJSON())) {
            const live = get(o.kind.toLowerCase(), o.metadata.name, o.metadata.namespace);
            expect(differences(o, live), `${o.kind}/${o.metadata.name}`).to.deep.equal([]);
        }
    }

    /** Edits the stack file, previews (the steps asserted, as the PR comment shows them), then `pulumi up`. */
    apply(change: Change): void {
        for (const [k, v] of Object.entries(change.config))
            if (v === undefined) delete this.config[k];
            else this.config[k] = v;
        this.write();
        const preview = this.project.must(["preview", "--diff", "--stack", this.stack]);
        const steps = stepsOf(preview.stdout);
        report(`preview: ${steps.join(", ") || "no change"}`);
        // Applied before the preview is judged, so that the next change starts from this one.
        this.project.must(["up", "--yes", "--skip-preview", "--stack", this.stack]);
        expect([...steps].sort(), "the steps pulumi preview --diff shows").to.deep.equal([...change.steps].sort());
        // What the pull request's comment announces: every Pod the preview replaces, by name.
        const replacedPods = replacementsOf(preview.stdout).filter((r: { kind: string }) => r.kind === "Pod");
        expect(replacedPods.length, "Pods the PR comment announces as replaced").to.equal(
            change.steps.filter((s) => s === `replace ${POD}`).length,
        );
        change.check();
        this.declaredIsOnServer();
        // Applied: nothing is left to change.
        const again = stepsOf(this.project.must(["preview", "--diff", "--stack", this.stack], { quiet: true }).stdout);
        expect(again, "a second preview after pulumi up").to.deep.equal([]);
    }

    tearDown(): void {
        this.project.tearDown([this.stack]);
    }
}

describe("integration: changing each option of a deployed Pod stack (fixed name webserver)", function () {
    this.timeout(30 * 60_000);
    let stack: ChangedStack | undefined;

    before(() => {
        requirePrerequisites();
        kubectl(["create", "namespace", OTHER_NS]);
        createTestObjects();
        // The stack: a Pod (the default workload) with the stream shipper and 12 h of retention.
        stack = new ChangedStack("pod", { shipper: "stream", retention: { maxAge: "12h" } });
        stack.deploy();
    });

    after(() => {
        stack?.tearDown();
        kubectl(["delete", "pod", "webserver", "web2", "--ignore-not-found", "--wait=false"]);
        kubectl(["delete", "namespace", OTHER_NS, "--ignore-not-found", "--wait=false"]);
        deleteTestObjects();
    });

    const changes: Change[] = [
        {
            title: "retention.maxAge 12h -> 6h: the Pod is replaced (the seed's name kept)",
            config: { retention: { maxAge: "6h" } },
            steps: [`replace ${POD}`],
            check: () => expect(command(podSpec())).to.contain(" 21600 "),
        },
        {
            title: "retention.maxSize",
            config: { retention: { maxAge: "6h", maxSize: "64Mi" } },
            steps: [`replace ${POD}`],
            check: () =>
                expect(command(podSpec())).to.contain(
                    ` ${retentionBudget(64 * 1024 * 1024, "stream").keepBytesPerLog} 21600 `,
                ),
        },
        {
            title: "nginxImage",
            config: { nginxImage: "nginx:1.28.2" },
            steps: [`replace ${POD}`],
            check: () => expect(container(podSpec(), "nginx-container").image).to.equal("nginx:1.28.2"),
        },
        {
            title: "sidecarImage",
            config: { sidecarImage: "ubuntu:24.04" },
            steps: [`replace ${POD}`],
            check: () => expect(container(podSpec(), "sidecar-container").image).to.equal("ubuntu:24.04"),
        },
        {
            title: "imagePullPolicy",
            config: { imagePullPolicy: "IfNotPresent" },
            steps: [`replace ${POD}`],
            check: () =>
                expect(podSpec().containers.map((c: any) => c.imagePullPolicy)).to.deep.equal([
                    "IfNotPresent",
                    "IfNotPresent",
                ]),
        },
        {
            title: "labels: updated in place (a Pod's labels are mutable)",
            config: { labels: { "example.com/team": "web" } },
            steps: [`update ${POD}`],
            check: () => expect(get("pod", "webserver").metadata.labels).to.deep.include({ "example.com/team": "web" }),
        },
        {
            title: "annotations: updated in place",
            config: { annotations: { "example.com/owner": "platform" } },
            steps: [`update ${POD}`],
            check: () =>
                expect(get("pod", "webserver").metadata.annotations).to.deep.include({
                    "example.com/owner": "platform",
                }),
        },
        {
            title: "tolerations added: the Pod replaced",
            config: { tolerations: [{ key: "example.com/dedicated", operator: "Exists", effect: "NoSchedule" }] },
            steps: [`replace ${POD}`],
            check: () =>
                expect(podSpec().tolerations).to.deep.include({
                    key: "example.com/dedicated",
                    operator: "Exists",
                    effect: "NoSchedule",
                }),
        },
        {
            title: "tolerations removed: the Pod replaced (the API server refuses to drop one from a Pod)",
            config: { tolerations: undefined },
            steps: [`replace ${POD}`],
            check: () => expect(podSpec().tolerations ?? []).to.not.deep.include({ key: "example.com/dedicated" }),
        },
        {
            title: "nodeSelector: the Pod replaced",
            config: { nodeSelector: { "kubernetes.io/os": "linux" } },
            steps: [`replace ${POD}`],
            check: () => expect(podSpec().nodeSelector).to.deep.equal({ "kubernetes.io/os": "linux" }),
        },
        {
            title: "priorityClassName: the Pod replaced, at that priority",
            config: { priorityClassName: TEST_OBJECTS.priorityClass },
            steps: [`replace ${POD}`],
            check: () => expect(podSpec().priority).to.equal(TEST_OBJECTS.priority),
        },
        {
            title: "serviceAccountName: the Pod replaced, running as that account",
            config: { serviceAccountName: TEST_OBJECTS.serviceAccount },
            steps: [`replace ${POD}`],
            check: () => expect(podSpec().serviceAccountName).to.equal(TEST_OBJECTS.serviceAccount),
        },
        {
            title: "imagePullSecrets: the Pod replaced",
            config: { imagePullSecrets: ["webserver-registry"] },
            steps: [`replace ${POD}`],
            check: () => expect(podSpec().imagePullSecrets).to.deep.equal([{ name: "webserver-registry" }]),
        },
        {
            title: "the four cleared at once: one replacement",
            config: {
                nodeSelector: undefined,
                priorityClassName: undefined,
                serviceAccountName: undefined,
                imagePullSecrets: undefined,
            },
            steps: [`replace ${POD}`],
            check: () => {
                const spec = podSpec();
                expect(spec.serviceAccountName).to.equal("default");
                expect(spec.nodeSelector).to.equal(undefined);
                expect(spec.imagePullSecrets).to.equal(undefined);
            },
        },
        {
            title: "affinity: the Pod replaced, with the affinity the API server holds",
            config: { affinity: AFFINITY },
            steps: [`replace ${POD}`],
            check: () => {
                const pod = get("pod", "webserver");
                expect(pod.spec.affinity).to.deep.equal(AFFINITY);
                expect(pod.status.phase, "scheduled and running under it").to.equal("Running");
            },
        },
        {
            title: "customTimeouts: nothing on the server; the workload's timeouts in Pulumi's state",
            config: { customTimeouts: { create: "20m", delete: "1h30m" } },
            steps: [],
            check: () => {
                const state = JSON.parse(
                    stack!.project.must(["stack", "export", "--stack", "pod"], { quiet: true }).stdout,
                );
                const pod = state.deployment.resources.find((r: { type: string }) => r.type === POD);
                report(`the Pod's customTimeouts in the state: ${JSON.stringify(pod.customTimeouts)}`);
                expect(pod.customTimeouts).to.deep.include({ create: 1200, delete: 5400 });
            },
        },
        {
            title: "affinity and customTimeouts cleared: the Pod replaced",
            config: { affinity: undefined, customTimeouts: undefined },
            steps: [`replace ${POD}`],
            check: () => {
                const pod = get("pod", "webserver");
                expect(pod.spec.affinity).to.equal(undefined);
            },
        },
        {
            title: "resources",
            config: { resources: { nginx: { limits: { cpu: "500m", memory: "128Mi" } } } },
            steps: [`replace ${POD}`],
            check: () =>
                expect(container(podSpec(), "nginx-container").resources.limits).to.deep.equal({
                    cpu: "500m",
                    memory: "128Mi",
                }),
        },
        {
            title: "probes",
            config: { probes: { readiness: { periodSeconds: 7 } } },
            steps: [`replace ${POD}`],
            check: () => expect(container(podSpec(), "nginx-container").readinessProbe.periodSeconds).to.equal(7),
        },
        {
            title: "logVolume",
            config: { logVolume: { sizeLimit: "256Mi" } },
            steps: [`replace ${POD}`],
            check: () =>
                expect(podSpec().volumes.find((v: any) => v.name === "shared-logs").emptyDir).to.deep.equal({
                    sizeLimit: "256Mi",
                }),
        },
        {
            title: "nativeSidecar: the shipper becomes an init container",
            config: { nativeSidecar: true },
            steps: [`replace ${POD}`],
            check: () =>
                expect(podSpec().initContainers.map((c: any) => [c.name, c.restartPolicy])).to.deep.equal([
                    ["sidecar-container", "Always"],
                ]),
        },
        {
            title: "security restricted: a new nginx ConfigMap, the Pod replaced",
            config: { security: "restricted", nativeSidecar: undefined },
            steps: [`create ${CONFIGMAP}`, `replace ${POD}`],
            check: () => expect(podSpec().securityContext.runAsNonRoot).to.equal(true),
        },
        {
            title: "destination: the agent's ConfigMap, the Pod replaced",
            config: {
                destination: { syslog: { address: "logs.example.com:2514", protocol: "tcp" } },
                shipper: undefined,
            },
            steps: [`create ${CONFIGMAP}`, `replace ${POD}`, `replace ${CONFIGMAP}`],
            check: () => expect(command(podSpec())).to.contain("rsyslogd"),
        },
        {
            title: "shipper cat-loop and catLoopPeriodSeconds (no destination, no retention)",
            config: {
                destination: undefined,
                retention: undefined,
                security: undefined,
                shipper: "cat-loop",
                catLoopPeriodSeconds: 10,
            },
            steps: [`delete ${CONFIGMAP}`, `delete ${CONFIGMAP}`, `replace ${POD}`],
            check: () => expect(command(podSpec())).to.contain("sleep 10"),
        },
        {
            title: "production",
            config: { production: true, catLoopPeriodSeconds: undefined, shipper: undefined },
            steps: [`create ${CONFIGMAP}`, `replace ${POD}`],
            check: () => expect(container(podSpec(), "nginx-container").image).to.equal("nginx:1.28.2"),
        },
        {
            title: "podName: a Pod (and nginx ConfigMap) of the new name created, then the old ones deleted",
            config: { podName: "web2" },
            steps: [`replace ${POD}`, `replace ${CONFIGMAP}`],
            check: () => {
                expect(get("pod", "web2").metadata.name).to.equal("web2");
                expect(objectsIn("default", "pods")).to.not.include("pod/webserver");
            },
        },
        {
            title: "namespace: the Pod and its nginx ConfigMap move",
            config: { namespace: OTHER_NS },
            steps: [`replace ${POD}`, `replace ${CONFIGMAP}`],
            check: () => {
                expect(podSpec("web2", OTHER_NS).containers).to.have.length(2);
                expect(objectsIn("default", "pods,configmaps")).to.deep.equal([]);
            },
        },
        {
            title: "workload Deployment: the Pod deleted, a Deployment, Service and PodDisruptionBudget created",
            config: { workload: "Deployment", podName: undefined, namespace: undefined, production: undefined },
            steps: [
                `delete ${POD}`,
                `delete ${CONFIGMAP}`,
                `create ${DEPLOYMENT}`,
                `create ${SERVICE}`,
                `create ${PDB}`,
            ],
            check: () => {
                expect(get("deployment", "webserver").status.readyReplicas).to.equal(2);
                expect(objectsIn(OTHER_NS)).to.deep.equal([]);
            },
        },
    ];
    for (const change of changes) it(change.title, () => stack!.apply(change));
});

describe("integration: changing options of a deployed Deployment stack and its LogService", function () {
    this.timeout(30 * 60_000);
    let stack: ChangedStack | undefined;
    let removeVolume = () => {};

    before(() => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-options");
        createTestObjects();
        stack = new ChangedStack("deployment", {
            workload: "Deployment",
            // Retention with a destination needs the restricted profile (the hardened agent frees the logs).
            security: "restricted",
            retention: { maxAge: "12h" },
            // The LogService, which the Deployment's log agents deliver to (the program's destination),
            // opened: these changes are its storage's and resources'; closed is logservice-closed.test.ts's.
            logService: { access: { open: true } },
        });
        stack.deploy();
    });

    after(() => {
        stack?.tearDown();
        removeVolume();
        deleteTestObjects();
    });

    const changes: Change[] = [
        {
            title: "retention.maxAge: a rollout of the Deployment, nothing replaced",
            config: { retention: { maxAge: "6h" } },
            steps: [`update ${DEPLOYMENT}`],
            check: () => expect(command(templateSpec())).to.contain(" 21600 "),
        },
        {
            title: "nginxImage: a rollout",
            config: { nginxImage: "nginx:1.28.2" },
            steps: [`update ${DEPLOYMENT}`],
            check: () => expect(container(templateSpec(), "nginx-container").image).to.equal("nginx:1.28.2"),
        },
        {
            title: "replicas 3: the Deployment and its PodDisruptionBudget (minAvailable 2) in place",
            config: { replicas: 3 },
            steps: [`update ${DEPLOYMENT}`, `update ${PDB}`],
            check: () => {
                expect(get("deployment", "webserver").status.readyReplicas).to.equal(3);
                expect(get("pdb", "webserver").spec.minAvailable).to.equal(2);
            },
        },
        {
            title: "labels: the Deployment, its Service, PodDisruptionBudget and ConfigMaps in place",
            config: { labels: { "example.com/team": "web" } },
            steps: [
                `update ${DEPLOYMENT}`,
                `update ${SERVICE}`,
                `update ${PDB}`,
                `update ${CONFIGMAP}`,
                `update ${CONFIGMAP}`,
            ],
            check: () =>
                expect(get("deployment", "webserver").spec.template.metadata.labels).to.deep.include({
                    "example.com/team": "web",
                }),
        },
        {
            title: "tolerations: a rollout",
            config: { tolerations: [{ key: "example.com/dedicated", operator: "Exists", effect: "NoSchedule" }] },
            steps: [`update ${DEPLOYMENT}`],
            check: () => expect(templateSpec().tolerations).to.have.length(1),
        },
        {
            title: "nodeSelector, priorityClassName, serviceAccountName, imagePullSecrets: a rollout",
            config: {
                nodeSelector: { "kubernetes.io/os": "linux" },
                priorityClassName: TEST_OBJECTS.priorityClass,
                serviceAccountName: TEST_OBJECTS.serviceAccount,
                imagePullSecrets: ["webserver-registry"],
            },
            steps: [`update ${DEPLOYMENT}`],
            check: () => {
                const spec = templateSpec();
                expect(spec.priorityClassName).to.equal(TEST_OBJECTS.priorityClass);
                expect(spec.serviceAccountName).to.equal(TEST_OBJECTS.serviceAccount);
                expect(get("deployment", "webserver").status.readyReplicas).to.equal(3);
            },
        },
        {
            title: "affinity (preferred only): a rollout",
            config: { affinity: { podAntiAffinity: AFFINITY.podAntiAffinity } },
            steps: [`update ${DEPLOYMENT}`],
            check: () => {
                expect(templateSpec().affinity).to.deep.equal({ podAntiAffinity: AFFINITY.podAntiAffinity });
                expect(get("deployment", "webserver").status.readyReplicas).to.equal(3);
            },
        },
        {
            title: "skipAwait: the Deployment's and the Service's annotation updated in place, no rollout",
            config: { skipAwait: true },
            steps: [`update ${DEPLOYMENT}`, `update ${SERVICE}`],
            check: () => {
                const dep = get("deployment", "webserver");
                expect(dep.metadata.annotations).to.deep.include({ "pulumi.com/skipAwait": "true" });
                expect(dep.spec.template.metadata.annotations ?? {}).to.not.have.property("pulumi.com/skipAwait");
                expect(dep.metadata.generation, "the pod template unchanged").to.equal(dep.status.observedGeneration);
                expect(get("service", "webserver").metadata.annotations).to.deep.include({
                    "pulumi.com/skipAwait": "true",
                });
            },
        },
        {
            title: "skipAwait cleared: the annotations removed in place, so later changes wait for their rollouts again",
            config: { skipAwait: undefined },
            steps: [`update ${DEPLOYMENT}`, `update ${SERVICE}`],
            check: () =>
                expect(get("deployment", "webserver").metadata.annotations ?? {}).to.not.have.property(
                    "pulumi.com/skipAwait",
                ),
        },
        {
            title: "resources and probes: a rollout",
            config: { resources: { sidecar: { limits: { cpu: "200m" } } }, probes: {} },
            steps: [`update ${DEPLOYMENT}`],
            check: () => {
                expect(container(templateSpec(), "sidecar-container").resources.limits.cpu).to.equal("200m");
                expect(container(templateSpec(), "nginx-container").livenessProbe).to.not.equal(undefined);
            },
        },
        {
            title: "security baseline (retention off): nginx's config for port 80 (a new ConfigMap) and a rollout; the agent stays hardened",
            config: { security: "baseline", retention: undefined },
            steps: [`replace ${CONFIGMAP}`, `update ${DEPLOYMENT}`],
            check: () => {
                const spec = templateSpec();
                // The API server holds an empty pod securityContext for none.
                expect(spec.securityContext ?? {}).to.deep.equal({});
                expect(container(spec, "sidecar-container").securityContext).to.deep.include({
                    runAsNonRoot: true,
                    runAsUser: 101,
                    readOnlyRootFilesystem: true,
                });
                expect(get("deployment", "webserver").status.readyReplicas).to.equal(3);
            },
        },
        {
            title: "service false: the Service deleted",
            config: { service: false },
            steps: [`delete ${SERVICE}`],
            check: () => expect(objectsIn("default", "services")).to.not.include("service/webserver"),
        },
        {
            title: "logService.retentionPeriod and resources: the StatefulSet rolls in place",
            config: {
                logService: { retentionPeriod: "3d", resources: { limits: { memory: "2Gi" } }, access: { open: true } },
            },
            steps: [`update ${STATEFULSET}`],
            check: () => {
                const spec = get("statefulset", "logs").spec.template.spec.containers[0];
                expect(spec.args).to.include("-retentionPeriod=3d");
                expect(spec.resources.limits.memory).to.equal("2Gi");
            },
        },
        {
            title: "logService.storageSize: the StatefulSet replaced (its claim template is immutable), the claim kept",
            config: {
                logService: {
                    retentionPeriod: "3d",
                    resources: { limits: { memory: "2Gi" } },
                    storageSize: "20Gi",
                    access: { open: true },
                },
            },
            steps: [`replace ${STATEFULSET}`],
            check: () => {
                const sts = get("statefulset", "logs");
                expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).to.equal("20Gi");
                expect(sts.status.readyReplicas).to.equal(1);
                const claim = get("pvc", "storage-logs-0");
                report(
                    `claim storage-logs-0 after the replacement: ${claim.status.phase}, ${claim.status.capacity?.storage}`,
                );
                expect(claim.status.phase).to.equal("Bound");
            },
        },
    ];
    for (const change of changes) it(change.title, () => stack!.apply(change));
});
