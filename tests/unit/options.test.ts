import { registered, promiseOf } from "../helpers/mocks";
import { render } from "../helpers/render";
import { expect } from "chai";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { PRODUCTION_PRESET, WebserverPod, WebserverPodArgs } from "../../components";
import { seedPod } from "../helpers/fixtures";
import { expectArgError } from "../helpers/argErrors";
import { validateAgainstSchema } from "../../scripts/lib/schema";

const manifests = (args: WebserverPodArgs) => render(args, "opts");
const nginx = (args: WebserverPodArgs) => manifests(args).pod!.spec.containers[0];
const sidecar = (args: WebserverPodArgs) => manifests(args).pod!.spec.containers[1];

/** The keys of each container and of the Pod spec that differ from the seed's. */
function changedKeys(args: WebserverPodArgs): string[] {
    const seed = seedPod().spec;
    const spec: any = manifests(args).pod!.spec;
    const out: string[] = [];
    for (const k of new Set([...Object.keys(seed), ...Object.keys(spec)])) {
        if (k === "containers") continue;
        if (JSON.stringify(seed[k]) !== JSON.stringify(spec[k])) out.push(`spec.${k}`);
    }
    spec.containers.forEach((c: any, i: number) => {
        for (const k of new Set([...Object.keys(seed.containers[i]), ...Object.keys(c)])) {
            if (JSON.stringify(seed.containers[i][k]) !== JSON.stringify(c[k])) out.push(`${c.name}.${k}`);
        }
    });
    return out.sort();
}

describe("production options", () => {
    describe("each option changes only what it is for", () => {
        it("resources: per container, under Kubernetes' names", () => {
            const args = {
                resources: {
                    nginx: { requests: { cpu: "100m", memory: "64Mi" }, limits: { ephemeralStorage: "1Gi" } },
                },
            };
            expect(changedKeys(args)).to.deep.equal(["nginx-container.resources"]);
            expect(nginx(args).resources).to.deep.equal({
                requests: { cpu: "100m", memory: "64Mi" },
                limits: { "ephemeral-storage": "1Gi" },
            });
            expect(changedKeys({ resources: { sidecar: { limits: { cpu: "0.1" } } } })).to.deep.equal([
                "sidecar-container.resources",
            ]);
        });

        it("probes: {} gives nginx HTTP readiness and liveness on port 80, and the sidecar nothing", () => {
            expect(changedKeys({ probes: {} })).to.deep.equal([
                "nginx-container.livenessProbe",
                "nginx-container.readinessProbe",
            ]);
            expect(nginx({ probes: {} }).readinessProbe).to.deep.equal({
                httpGet: { path: "/", port: 80 },
                initialDelaySeconds: 0,
                periodSeconds: 5,
                timeoutSeconds: 2,
                failureThreshold: 3,
            });
            expect(nginx({ probes: {} }).livenessProbe?.periodSeconds).to.equal(10);
        });

        it("probe timings and path are overridable; the sidecar gets a liveness probe when asked", () => {
            const args = {
                probes: {
                    readiness: { path: "/healthz", periodSeconds: 2, timeoutSeconds: 1 },
                    sidecarLiveness: { periodSeconds: 60 },
                },
            };
            expect(nginx(args).readinessProbe).to.deep.include({
                httpGet: { path: "/healthz", port: 80 },
                periodSeconds: 2,
                timeoutSeconds: 1,
            });
            expect(sidecar(args).livenessProbe).to.deep.include({
                exec: { command: ["test", "-d", "/var/log/nginx"] },
                periodSeconds: 60,
            });
            expect(sidecar(args).readinessProbe).to.equal(undefined);
        });

        it("logVolume: sizeLimit and medium on shared-logs only", () => {
            const args = { logVolume: { sizeLimit: "128Mi", medium: "Memory" as const } };
            expect(changedKeys(args)).to.deep.equal(["spec.volumes"]);
            expect(manifests(args).pod!.spec.volumes).to.deep.equal([
                { name: "shared-logs", emptyDir: { sizeLimit: "128Mi", medium: "Memory" } },
            ]);
        });

        it("tolerations: on the pod spec only, as given, the operator made explicit", () => {
            const tolerations = [
                { key: "kwok.x-k8s.io/node", operator: "Exists" as const, effect: "NoSchedule" as const },
                { key: "dedicated", value: "web" },
                { operator: "Exists" as const, effect: "NoExecute" as const, tolerationSeconds: 30 },
            ];
            expect(changedKeys({ tolerations })).to.deep.equal(["spec.tolerations"]);
            expect(manifests({ tolerations }).pod!.spec.tolerations).to.deep.equal([
                { key: "kwok.x-k8s.io/node", operator: "Exists", effect: "NoSchedule" },
                { key: "dedicated", operator: "Equal", value: "web" },
                { operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
            ]);
            // A Deployment's pods get them too.
            const deployment = render({ tolerations, workload: "Deployment" }, "opts-dep").deployment!;
            expect(deployment.spec.template.spec.tolerations).to.have.length(3);
        });

        it("nodeSelector, priorityClassName, serviceAccountName, imagePullSecrets: on the pod spec only, as Kubernetes writes them", () => {
            const args = {
                nodeSelector: { "kubernetes.io/arch": "amd64", "example.com/pool": "web" },
                priorityClassName: "web-critical",
                serviceAccountName: "webserver",
                imagePullSecrets: ["registry-a", "registry-b"],
            };
            expect(changedKeys(args)).to.deep.equal([
                "spec.imagePullSecrets",
                "spec.nodeSelector",
                "spec.priorityClassName",
                "spec.serviceAccountName",
            ]);
            const spec: any = manifests(args).pod!.spec;
            expect(spec.nodeSelector).to.deep.equal(args.nodeSelector);
            expect(spec.priorityClassName).to.equal("web-critical");
            expect(spec.serviceAccountName).to.equal("webserver");
            expect(spec.imagePullSecrets).to.deep.equal([{ name: "registry-a" }, { name: "registry-b" }]);
            const deployment: any = render({ ...args, workload: "Deployment" }, "opts-dep2").deployment!;
            expect(deployment.spec.template.spec.serviceAccountName).to.equal("webserver");
        });

        it("affinity: on the pod spec only (and the Deployment's template), as given", () => {
            const affinity = {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                            {
                                matchExpressions: [
                                    { key: "kubernetes.io/arch", operator: "In" as const, values: ["amd64"] },
                                ],
                            },
                        ],
                    },
                    preferredDuringSchedulingIgnoredDuringExecution: [
                        {
                            weight: 10,
                            preference: {
                                matchExpressions: [{ key: "cores", operator: "Gt" as const, values: ["4"] }],
                            },
                        },
                    ],
                },
                podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                        {
                            weight: 100,
                            podAffinityTerm: {
                                topologyKey: "kubernetes.io/hostname",
                                labelSelector: {
                                    matchLabels: { app: "web" },
                                    matchExpressions: [{ key: "tier", operator: "Exists" as const }],
                                },
                                namespaces: ["web"],
                            },
                        },
                    ],
                },
            };
            expect(changedKeys({ affinity })).to.deep.equal(["spec.affinity"]);
            expect(manifests({ affinity }).pod!.spec.affinity).to.deep.equal(affinity);
            const deployment = render({ affinity, workload: "Deployment" }, "opts-aff").deployment!;
            expect(deployment.spec.template.spec.affinity).to.deep.equal(affinity);
        });

        it("skipAwait: the provider's annotation on the Deployment and Service, not on their pods", () => {
            const m = render({ skipAwait: true, workload: "Deployment" }, "opts-skip");
            expect(m.deployment!.metadata.annotations).to.deep.equal({ "pulumi.com/skipAwait": "true" });
            expect(m.service!.metadata.annotations).to.deep.equal({ "pulumi.com/skipAwait": "true" });
            expect(m.deployment!.spec.template.metadata).to.not.have.property("annotations");
            const mine = render(
                { skipAwait: true, workload: "Deployment", annotations: { team: "web" } },
                "opts-skip2",
            );
            expect(mine.deployment!.metadata.annotations).to.deep.equal({ "pulumi.com/skipAwait": "true" });
            expect(mine.deployment!.spec.template.metadata.annotations).to.deep.equal({ team: "web" });
            expect(changedKeys({ skipAwait: false })).to.deep.equal([]);
            expect(manifests({ skipAwait: false }).pod!.metadata).to.not.have.property("annotations");
        });

        it("customTimeouts: a resource option of the workload only, the Pod's or the Deployment's", async () => {
            const seen: Array<{ type: string; timeouts: unknown }> = [];
            const record: pulumi.ResourceTransformation = (a) => {
                seen.push({ type: a.type, timeouts: a.opts.customTimeouts });
                return undefined;
            };
            const customTimeouts = { create: "20m", delete: "1h30m" };
            new WebserverPod("timeouts-pod", { customTimeouts, shipper: "stream" }, { transformations: [record] });
            new WebserverPod("timeouts-dep", { customTimeouts, workload: "Deployment" }, { transformations: [record] });
            new WebserverPod("timeouts-none", {}, { transformations: [record] });
            await new Promise((r) => setTimeout(r, 50));
            const of = (type: string) => seen.filter((x) => x.type === type).map((x) => x.timeouts);
            expect(of("kubernetes:core/v1:Pod")).to.deep.equal([customTimeouts, undefined]);
            expect(of("kubernetes:apps/v1:Deployment")).to.deep.equal([customTimeouts]);
            expect(of("kubernetes:core/v1:Service")).to.deep.equal([undefined]);
            expect(
                () => new WebserverPod("timeouts-out", { customTimeouts: pulumi.output({ create: "1m" }) as any }),
            ).to.throw('invalid args.customTimeouts "<Output>"');
        });

        it("terminationGracePeriodSeconds: on the pod spec, and the drain deadline of the shipper or agent within it", () => {
            expect(changedKeys({ terminationGracePeriodSeconds: 60 })).to.deep.equal([
                "spec.terminationGracePeriodSeconds",
            ]);
            const stream = manifests({ shipper: "stream", terminationGracePeriodSeconds: 60 }).pod!.spec;
            expect((stream as any).terminationGracePeriodSeconds).to.equal(60);
            // stream.sh's last two arguments: the drain deadline (grace less 2 s) and the quiet passes.
            expect(stream.containers[1].command!.slice(-2)).to.deep.equal(["58", "1"]);
            const unset = manifests({ shipper: "stream" }).pod!.spec;
            expect((unset as any).terminationGracePeriodSeconds, "Kubernetes' default then").to.equal(undefined);
            expect(unset.containers[1].command!.slice(-2)).to.deep.equal(["28", "1"]);
            const agent = manifests({
                terminationGracePeriodSeconds: 10,
                destination: { syslog: { address: "logs.example.com:2514" } },
            }).pod!.spec;
            // agent.sh's drain figures come before the volume's limit, the metrics' period and its bound.
            expect(agent.containers[1].command!.slice(-6, -4)).to.deep.equal(["8", "1"]);
            const deployment: any = render(
                { shipper: "stream", terminationGracePeriodSeconds: 45, workload: "Deployment" },
                "opts-grace",
            ).deployment!;
            expect(deployment.spec.template.spec.terminationGracePeriodSeconds).to.equal(45);
            // The seed's cat-loop has no drain: its command is the seed's.
            expect(manifests({ terminationGracePeriodSeconds: 60 }).pod!.spec.containers[1].command).to.deep.equal(
                seedPod().spec.containers[1].command,
            );
        });

        it("imagePullPolicy: on both containers", () => {
            expect(changedKeys({ imagePullPolicy: "IfNotPresent" })).to.deep.equal([
                "nginx-container.imagePullPolicy",
                "sidecar-container.imagePullPolicy",
            ]);
        });

        it("image pinned by digest is kept as given", () => {
            const image = `registry.example.com/nginx@sha256:${"ab".repeat(32)}`;
            expect(nginx({ nginxImage: image }).image).to.equal(image);
        });

        it("security: baseline is the seed", () => {
            expect(changedKeys({ security: "baseline" })).to.deep.equal([]);
            expect(manifests({ security: "baseline" }).nginxConfig).to.equal(undefined);
        });

        it("security: restricted meets the PSS restricted profile and makes nginx work unprivileged", () => {
            const m = manifests({ security: "restricted" });
            const spec: any = m.pod!.spec;
            expect(spec.automountServiceAccountToken).to.equal(false);
            expect(spec.securityContext).to.deep.equal({
                runAsNonRoot: true,
                runAsUser: 101,
                runAsGroup: 101,
                fsGroup: 101,
                seccompProfile: { type: "RuntimeDefault" },
            });
            for (const c of spec.containers) {
                expect(c.securityContext, c.name).to.deep.equal({
                    runAsNonRoot: true,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                });
            }
            expect(spec.containers[0].ports).to.deep.equal([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
            expect(spec.containers[0].args).to.deep.equal([
                "nginx",
                "-c",
                "/etc/nginx/webserver/nginx.conf",
                "-g",
                "daemon off;",
            ]);
            expect(spec.containers[0].volumeMounts).to.deep.equal([
                { name: "shared-logs", mountPath: "/var/log/nginx" },
                { name: "nginx-tmp", mountPath: "/tmp" },
                { name: "nginx-conf", mountPath: "/etc/nginx/webserver", readOnly: true },
            ]);
            expect(spec.containers[1].volumeMounts).to.deep.equal([
                { name: "shared-logs", mountPath: "/var/log/nginx", readOnly: true },
            ]);
            expect(spec.volumes.map((v: any) => v.name)).to.deep.equal(["shared-logs", "nginx-tmp", "nginx-conf"]);
            const conf = m.nginxConfig!.data["nginx.conf"];
            expect(conf)
                .to.match(/listen\s+8080;/)
                .and.match(/pid\s+\/tmp\/nginx\.pid;/)
                .and.not.match(/^\s*user\s/m);
            expect(conf).to.contain("access_log  /var/log/nginx/access.log  main;");
        });

        it("restricted probes target port 8080", () => {
            expect(nginx({ security: "restricted", probes: {} }).livenessProbe?.httpGet).to.deep.equal({
                path: "/",
                port: 8080,
            });
        });

        it("production: true turns on every option, and explicit options win", () => {
            const m = manifests({ production: true });
            expect(m.pod!.spec.containers[0].image).to.equal(PRODUCTION_PRESET.nginxImage);
            expect(m.pod!.spec.volumes[0].emptyDir).to.deep.equal({ sizeLimit: "256Mi" });
            expect(m.nginxConfig).to.not.equal(undefined);
            const mine = manifests({ production: true, nginxImage: "nginx:1.27.3", logVolume: { sizeLimit: "1Gi" } });
            expect(mine.pod!.spec.containers[0].image).to.equal("nginx:1.27.3");
            expect(mine.pod!.spec.volumes[0].emptyDir).to.deep.equal({ sizeLimit: "1Gi" });
            expect(manifests({ production: true, security: "baseline" }).nginxConfig).to.equal(undefined);
        });

        it("production: false is the seed", () => {
            expect(changedKeys({ production: false })).to.deep.equal([]);
        });
    });

    describe("schema", () => {
        it("the production Pod and its ConfigMap validate against the Kubernetes schema", () => {
            const m = manifests({ production: true, namespace: "web", labels: { app: "web" } });
            validateAgainstSchema(m.pod! as any);
            validateAgainstSchema(m.nginxConfig as any);
        });

        it("every single option's render validates", () => {
            for (const args of [
                { probes: { sidecarLiveness: {} } },
                { logVolume: { medium: "Memory" as const } },
                { imagePullPolicy: "Never" as const },
                { security: "restricted" as const },
            ]) {
                validateAgainstSchema(manifests(args).pod! as any);
            }
        });
    });

    describe("bad values are rejected with the argument and value", () => {
        const BAD: Array<[WebserverPodArgs, string, unknown, string]> = [
            [
                { resources: { nginx: { requests: { cpu: "100 m" } } } },
                "resources.nginx.requests.cpu",
                "100 m",
                "Kubernetes quantity",
            ],
            [
                { resources: { nginx: { limits: { memory: "64MB" } } } },
                "resources.nginx.limits.memory",
                "64MB",
                "Kubernetes quantity",
            ],
            [
                { resources: { sidecar: { limits: { ephemeralStorage: "-1Gi" } } } },
                "resources.sidecar.limits.ephemeralStorage",
                "-1Gi",
                "Kubernetes quantity",
            ],
            [
                { resources: { nginx: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } } } },
                "resources.nginx.requests.memory",
                "1Gi",
                "must not exceed limits.memory (512Mi)",
            ],
            [
                { resources: { nginx: { requests: { gpu: "1" } as any } } },
                "resources.nginx.requests.gpu",
                "1",
                "is not an option",
            ],
            [{ resources: { web: {} } as any }, "resources.web", {}, "is not an option"],
            [{ probes: { readiness: { periodSeconds: 0 } } }, "probes.readiness.periodSeconds", 0, "integer from 1 to"],
            [
                { probes: { liveness: { timeoutSeconds: 1.5 } } },
                "probes.liveness.timeoutSeconds",
                1.5,
                "integer from 1 to",
            ],
            [
                { probes: { liveness: { timeoutSeconds: 20 } } },
                "probes.liveness.timeoutSeconds",
                20,
                "must not exceed periodSeconds (10)",
            ],
            [{ probes: { readiness: { path: "healthz" } } }, "probes.readiness.path", "healthz", "absolute URL path"],
            [{ logVolume: { sizeLimit: "lots" } }, "logVolume.sizeLimit", "lots", "Kubernetes quantity"],
            [
                { logVolume: { sizeLimit: "200MB" } },
                "logVolume.sizeLimit",
                "200MB",
                'did you mean "200Mi" (or "200M", powers of 1000)?',
            ],
            [
                { resources: { nginx: { limits: { memory: "1 gb" } } } },
                "resources.nginx.limits.memory",
                "1 gb",
                'did you mean "1Gi"',
            ],
            [{ logVolume: { medium: "SSD" as any } }, "logVolume.medium", "SSD", 'must be one of "", "Memory"'],
            [
                { imagePullPolicy: "always" as any },
                "imagePullPolicy",
                "always",
                'must be one of "Always", "IfNotPresent", "Never"',
            ],
            [{ security: "privileged" as any }, "security", "privileged", 'must be one of "baseline", "restricted"'],
            [{ production: "yes" as any }, "production", "yes", "must be true or false"],
            [{ tolerations: { key: "a" } as any }, "tolerations", { key: "a" }, "must be a list of tolerations"],
            [{ nodeSelector: { "-pool": "web" } }, "nodeSelector key", "-pool", "name must be 1-63 characters"],
            [{ nodeSelector: { pool: "web pool" } }, 'nodeSelector["pool"]', "web pool", "must be empty or 1-63"],
            [{ priorityClassName: "High" }, "priorityClassName", "High", "must be the name of a PriorityClass"],
            [{ terminationGracePeriodSeconds: 0 }, "terminationGracePeriodSeconds", 0, "0 would kill the pods at once"],
            [{ terminationGracePeriodSeconds: 86_401 }, "terminationGracePeriodSeconds", 86_401, "a day"],
            [{ terminationGracePeriodSeconds: 1.5 }, "terminationGracePeriodSeconds", 1.5, "integer"],
            [{ terminationGracePeriodSeconds: "30" as any }, "terminationGracePeriodSeconds", "30", "integer"],
            [{ serviceAccountName: "web_sa" }, "serviceAccountName", "web_sa", "must be the name of a ServiceAccount"],
            [{ imagePullSecrets: "regcred" as any }, "imagePullSecrets", "regcred", "must be a list of Secret names"],
            [{ imagePullSecrets: ["ok", "Not/ok"] }, "imagePullSecrets[1]", "Not/ok", "must be the name of a Secret"],
            [{ tolerations: [{ key: "-a-" }] }, "tolerations[0].key", "-a-", "name must be 1-63 characters"],
            [
                { tolerations: [{ key: "a", operator: "Exists", value: "b" }] },
                "tolerations[0].value",
                "b",
                'must be empty with operator "Exists"',
            ],
            [{ tolerations: [{ effect: "NoSchedule" }] }, "tolerations[0].operator", "Equal", "when key is empty"],
            [
                { tolerations: [{ key: "a", effect: "NoSchedule", tolerationSeconds: 5 }] },
                "tolerations[0].tolerationSeconds",
                5,
                'applies to effect "NoExecute" only',
            ],
            [
                { tolerations: [{ key: "a", effect: "Never" as any }] },
                "tolerations[0].effect",
                "Never",
                'must be one of "NoSchedule", "PreferNoSchedule", "NoExecute"',
            ],
            [{ tolerations: [{ key: "a", value: "b c" }] }, "tolerations[0].value", "b c", "must be empty or 1-63"],
            [{ tolerations: [{ key: "a", tolerance: 1 } as any] }, "tolerations[0].tolerance", 1, "is not an option"],
            [
                {
                    affinity: {
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                { weight: 0, podAffinityTerm: { topologyKey: "zone" } },
                            ],
                        },
                    },
                },
                "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                0,
                "integer from 1 to 100",
            ],
            [
                {
                    affinity: {
                        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} } as any] },
                    },
                },
                "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
                undefined,
                "is required",
            ],
            [
                {
                    affinity: {
                        nodeAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: {
                                nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In" }] }],
                            },
                        },
                    },
                },
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values",
                undefined,
                'at least one value with operator "In"',
            ],
            [
                {
                    affinity: {
                        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
                    },
                },
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
                [],
                "at least one term",
            ],
            [
                {
                    affinity: {
                        nodeAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    weight: 1,
                                    preference: {
                                        matchExpressions: [{ key: "cores", operator: "Gt", values: ["four"] }],
                                    },
                                },
                            ],
                        },
                    },
                },
                "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values",
                ["four"],
                'one integer with operator "Gt"',
            ],
            [
                {
                    affinity: {
                        podAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    topologyKey: "zone",
                                    labelSelector: {
                                        matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }],
                                    },
                                },
                            ],
                        },
                    },
                },
                "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].values",
                ["x"],
                'must be empty with operator "Exists"',
            ],
            [
                {
                    affinity: {
                        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "-zone-" }] },
                    },
                },
                "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
                "-zone-",
                "name must be 1-63 characters",
            ],
            [
                {
                    affinity: {
                        podAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: [
                                { topologyKey: "zone", namespaces: ["Web"] },
                            ],
                        },
                    },
                },
                "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespaces[0]",
                "Web",
                "DNS-1123 label",
            ],
            [{ affinity: { nodeAfinity: {} } as any }, "affinity.nodeAfinity", {}, 'did you mean "nodeAffinity"'],
            [{ customTimeouts: { create: "1d" } }, "customTimeouts.create", "1d", "hours, minutes and seconds"],
            [{ customTimeouts: { update: "0m" } }, "customTimeouts.update", "0m", "above zero"],
            [{ customTimeouts: { delete: "10 minutes" } }, "customTimeouts.delete", "10 minutes", 'e.g. "90s"'],
            [{ customTimeouts: { read: "1m" } as any }, "customTimeouts.read", "1m", "is not an option"],
            [{ skipAwait: "yes" as any }, "skipAwait", "yes", "true or false"],
            [{ skipAwait: true }, "skipAwait", true, 'applies to workload "Deployment" only'],
            [
                { nginxImage: `nginx@sha256:${"g".repeat(64)}` },
                "nginxImage",
                `nginx@sha256:${"g".repeat(64)}`,
                "image reference",
            ],
        ];
        for (const [args, arg, value, rule] of BAD) {
            it(`${arg} ${JSON.stringify(value)}`, () => {
                expectArgError(
                    `bad-opt-${arg
                        .replace(/[^a-z]/gi, "")
                        .toLowerCase()
                        .slice(-40)}`,
                    args,
                    arg,
                    value,
                    rule,
                );
            });
        }

        it("security and production must be plain values", () => {
            expect(() => new WebserverPod("out-sec", { security: pulumi.output("restricted") as any })).to.throw(
                'invalid args.security "<Output>"',
            );
        });
    });

    describe("the component under the restricted profile", () => {
        it("registers nginx's ConfigMap as its child, and the Pod depends on it", async () => {
            const seen: Array<{ type: string; parent?: pulumi.Resource; dependsOn?: unknown }> = [];
            const c = new WebserverPod(
                "prod",
                { production: true },
                {
                    transformations: [
                        (a) => {
                            seen.push({ type: a.type, parent: a.opts.parent, dependsOn: a.opts.dependsOn });
                            return undefined;
                        },
                    ],
                },
            );
            await promiseOf(c.readyContainers);
            const cm = registered("prod-nginx-conf");
            expect(cm).to.have.length(1);
            expect(cm[0].type).to.equal("kubernetes:core/v1:ConfigMap");
            // The name carries the config's hash, so a changed config replaces the ConfigMap and the Pod.
            const hash = createHash("sha256").update(cm[0].inputs.data["nginx.conf"]).digest("hex").slice(0, 8);
            expect(cm[0].inputs.metadata).to.deep.equal({ name: `prod-nginx-conf-${hash}` });
            expect(cm[0].inputs.data["nginx.conf"]).to.contain("listen       8080;");
            expect(seen.find((s) => s.type === "kubernetes:core/v1:ConfigMap")?.parent).to.equal(c);
            const pod = seen.find((s) => s.type === "kubernetes:core/v1:Pod")!;
            expect((pod.dependsOn as pulumi.Resource[]).length).to.equal(1);
            expect(registered("prod-pod")[0].inputs.spec.volumes[2]).to.deep.equal({
                name: "nginx-conf",
                configMap: { name: cm[0].inputs.metadata.name },
            });
        });

        it("registers no ConfigMap by default", async () => {
            const c = new WebserverPod("no-cm");
            await promiseOf(c.readyContainers);
            expect(registered("no-cm-nginx-conf")).to.have.length(0);
        });
    });
});
