// workload: "Deployment": the same pod as the template of a Deployment, spread over nodes, rolled
// without dropping below the desired replicas, with a Service and a PodDisruptionBudget; and the
// object names that keep two instances in one namespace apart.
import { deploymentReady, promiseOf, registered } from "../helpers/mocks";
import { render } from "../helpers/render";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { WebserverPod, WebserverPodArgs } from "../../components";
import { validateAgainstSchema } from "../../scripts/lib/schema";
import { evaluate } from "../../policy/rules";
import { expectArgError } from "../helpers/argErrors";

const manifests = (args: WebserverPodArgs, name = "web") => render(args, name);
const SELECTOR = { "app.kubernetes.io/name": "webserver", "app.kubernetes.io/instance": "web" };

describe("workload: Deployment", () => {
    it("its pod template is exactly the Pod the same args give, spread over nodes", () => {
        for (const args of [{}, { production: true }, { shipper: "stream" as const, nativeSidecar: true }]) {
            const pod = manifests({ ...args, service: true }).pod!;
            const d = manifests({ ...args, workload: "Deployment" }).deployment!;
            const { topologySpreadConstraints, ...spec } = d.spec.template.spec;
            expect(spec, JSON.stringify(args)).to.deep.equal(pod.spec);
            expect(d.spec.template.metadata.labels).to.deep.equal(pod.metadata.labels);
            expect(topologySpreadConstraints).to.deep.equal([
                {
                    maxSkew: 1,
                    topologyKey: "kubernetes.io/hostname",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: SELECTOR },
                    // One revision's pods: a rollout spreads its new pods among themselves.
                    matchLabelKeys: ["pod-template-hash"],
                },
            ]);
        }
    });

    it("2 replicas by default, selected by name and instance, rolled with maxUnavailable 0", () => {
        const d = manifests({ workload: "Deployment", labels: { tier: "web" } }).deployment!;
        expect(d.metadata).to.deep.equal({ name: "web", labels: { tier: "web", ...SELECTOR } });
        expect(d.spec.replicas).to.equal(2);
        expect(d.spec.selector).to.deep.equal({ matchLabels: SELECTOR });
        expect(d.spec.template.metadata.labels).to.deep.include(SELECTOR).and.include({ tier: "web" });
        expect(d.spec.strategy).to.deep.equal({
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
    });

    it("a Service on port 80 to nginx's named port, which nginx declares (80, or 8080 restricted)", () => {
        for (const [args, port] of [
            [{}, 80],
            [{ security: "restricted" as const }, 8080],
        ] as const) {
            const m = manifests({ ...args, workload: "Deployment" });
            expect(m.service!.spec).to.deep.equal({
                type: "ClusterIP",
                selector: SELECTOR,
                ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
            });
            expect(m.deployment!.spec.template.spec.containers[0].ports).to.deep.equal([
                { name: "http", containerPort: port, protocol: "TCP" },
            ]);
        }
        expect(manifests({ workload: "Deployment", service: false }).service).to.equal(undefined);
    });

    it("a PodDisruptionBudget (minAvailable replicas - 1) only when there is more than one replica", () => {
        expect(manifests({ workload: "Deployment" }).podDisruptionBudget!.spec).to.deep.equal({
            minAvailable: 1,
            selector: { matchLabels: SELECTOR },
        });
        expect(manifests({ workload: "Deployment", replicas: 4 }).podDisruptionBudget!.spec.minAvailable).to.equal(3);
        expect(manifests({ workload: "Deployment", replicas: 1 }).podDisruptionBudget).to.equal(undefined);
    });

    it("a changed nginx config rolls the pods: the template names the hashed ConfigMap", () => {
        const m = manifests({ workload: "Deployment", security: "restricted" });
        const volume = m.deployment!.spec.template.spec.volumes.find((v) => v.configMap);
        expect(volume!.configMap!.name)
            .to.equal(m.nginxConfig!.metadata.name)
            .and.match(/^web-nginx-conf-[0-9a-f]{8}$/);
    });

    it("every object validates against the Kubernetes schema, and production passes every policy rule", () => {
        for (const args of [
            { workload: "Deployment" as const },
            { workload: "Deployment" as const, production: true },
        ]) {
            const m = manifests(args);
            for (const o of [m.deployment, m.service, m.podDisruptionBudget, m.nginxConfig])
                if (o) validateAgainstSchema(o as any);
        }
        expect(
            evaluate(manifests({ workload: "Deployment", production: true }).deployment!.spec.template.spec),
        ).to.deep.equal({});
    });

    it("the default Pod is still the seed: no labels, ports or Service added", () => {
        const m = manifests({});
        expect(Object.keys(m)).to.deep.equal(["pod"]);
        expect(m.pod!.metadata).to.deep.equal({ name: "web" });
        expect(m.pod!.spec.containers[0].ports).to.equal(undefined);
    });

    it("two instances in one namespace select only their own pods", () => {
        const a = manifests({ workload: "Deployment" }, "web-a").deployment!.spec.selector.matchLabels;
        const b = manifests({ workload: "Deployment" }, "web-b").deployment!.spec.selector.matchLabels;
        expect(a).to.not.deep.equal(b);
    });

    describe("the component", () => {
        afterEach(() => delete deploymentReady.count);

        it("registers the Deployment, Service, PodDisruptionBudget and ConfigMap as its children; the Deployment after the ConfigMap", async () => {
            const seen: Array<{ type: string; parent?: pulumi.Resource; dependsOn?: unknown }> = [];
            const c = new WebserverPod(
                "dep",
                { workload: "Deployment", production: true },
                {
                    transformations: [
                        (a) => (
                            seen.push({ type: a.type, parent: a.opts.parent, dependsOn: a.opts.dependsOn }),
                            undefined
                        ),
                    ],
                },
            );
            await promiseOf(c.readyReplicas);
            const children = seen.filter((s) => s.type.startsWith("kubernetes:"));
            expect(children.map((s) => s.type).sort()).to.deep.equal([
                "kubernetes:apps/v1:Deployment",
                "kubernetes:core/v1:ConfigMap",
                "kubernetes:core/v1:Service",
                "kubernetes:policy/v1:PodDisruptionBudget",
            ]);
            for (const s of children) expect(s.parent, s.type).to.equal(c);
            expect((seen.find((s) => s.type.endsWith("Deployment"))!.dependsOn as unknown[]).length).to.equal(1);
            expect(registered("dep-pod")).to.have.length(0);
            const d = registered("dep-deployment")[0].inputs;
            expect(d.spec.selector.matchLabels).to.deep.equal({
                "app.kubernetes.io/name": "webserver",
                "app.kubernetes.io/instance": "dep",
            });
        });

        it("reports readyReplicas as ready/desired, the Service's name and IP, and no pod IP", async () => {
            deploymentReady.count = 1;
            const c = new WebserverPod("dep-out", { workload: "Deployment", replicas: 3 });
            expect(await promiseOf(c.readyReplicas)).to.equal("1/3");
            expect(await promiseOf(c.serviceName)).to.equal("dep-out");
            expect(await promiseOf(c.serviceIp)).to.equal("10.96.0.42");
            expect(await promiseOf(c.workload)).to.equal("Deployment");
            expect(await promiseOf(c.podName)).to.equal("dep-out");
            expect(await promiseOf(c.podIp)).to.equal(undefined);
            expect(await promiseOf(c.readyContainers)).to.equal(undefined);
            // What a program exports: only what is set (the engine warns about undefined outputs).
            expect(Object.keys(c.stackOutputs()).sort()).to.deep.equal(
                ["namespace", "podName", "readyReplicas", "serviceIp", "serviceName", "workload"].sort(),
            );
            expect(await promiseOf(c.stackOutputs().readyReplicas)).to.equal("1/3");
        });

        it("a Deployment with service: false exports no Service outputs", () => {
            const c = new WebserverPod("dep-nosvc", { workload: "Deployment", service: false });
            expect(Object.keys(c.stackOutputs()).sort()).to.deep.equal(
                ["namespace", "podName", "readyReplicas", "workload"].sort(),
            );
        });

        it("a Pod with service: true gets a Service selecting it, and keeps its pod outputs", async () => {
            const c = new WebserverPod("pod-svc", { service: true });
            expect(await promiseOf(c.serviceName)).to.equal("pod-svc");
            expect(await promiseOf(c.readyContainers)).to.equal("2/2");
            expect(registered("pod-svc-pod")[0].inputs.metadata.labels).to.deep.equal({
                "app.kubernetes.io/name": "webserver",
                "app.kubernetes.io/instance": "pod-svc",
            });
            expect(registered("pod-svc-pdb")).to.have.length(0);
            expect(Object.keys(c.stackOutputs()).sort()).to.deep.equal(
                [
                    "namespace",
                    "podIp",
                    "podName",
                    "podStatus",
                    "readyContainers",
                    "serviceIp",
                    "serviceName",
                    "workload",
                ].sort(),
            );
            expect(await promiseOf(c.stackOutputs().podStatus)).to.equal("Running");
        });
    });

    describe("bad values", () => {
        const BAD: Array<[WebserverPodArgs, string, unknown, string]> = [
            [{ workload: "deployment" as any }, "workload", "deployment", 'must be one of "Pod", "Deployment"'],
            [{ replicas: 3 }, "replicas", 3, 'applies to workload "Deployment" only'],
            [{ workload: "Deployment", replicas: 0 }, "replicas", 0, "must be an integer from 1 to 1000"],
            [{ workload: "Deployment", replicas: 1001 }, "replicas", 1001, "must be an integer from 1 to 1000"],
            [{ service: "yes" as any }, "service", "yes", "must be true or false"],
            [
                { workload: "Deployment", podName: "1web" },
                "podName",
                "1web",
                "must start with a letter (a DNS-1035 label)",
            ],
        ];
        for (const [args, arg, value, rule] of BAD) {
            it(`${arg} ${JSON.stringify(value)}`, () => {
                expectArgError(
                    `bad-wl-${arg.replace(/[^a-z]/gi, "").toLowerCase()}-${String(value).replace(/[^a-z0-9]/gi, "")}`,
                    args,
                    arg,
                    value,
                    rule,
                );
            });
        }

        it("a component name that is no DNS label is named as the source of the default", () => {
            expectArgError(
                "Web_1",
                {},
                "podName",
                "Web_1",
                "(unset: the component's name is its default) must be a DNS-1123 label",
            );
        });

        it("workload, replicas and service must be plain values (they decide which resources exist)", () => {
            expect(() => new WebserverPod("late-wl", { workload: pulumi.output("Deployment") as any })).to.throw(
                'invalid args.workload "<Output>"',
            );
            expect(
                () => new WebserverPod("late-rep", { workload: "Deployment", replicas: pulumi.output(3) as any }),
            ).to.throw('invalid args.replicas "<Output>"');
        });
    });
});
