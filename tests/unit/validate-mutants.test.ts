// Validation at the edges Stryker's survivors in components/validate/ showed untested (docs/testing.md,
// "Stryker"): each case the exact refusal, or what is kept when nothing is refused.
import { expect } from "chai";
import { AGENT, validateArgs, WebserverPodArgError, WebserverPodArgs } from "../../components";

/** The refusal of `args` for component `name`: its argument and message. */
function refusal(args: WebserverPodArgs, name = "web"): { arg: string; message: string } {
    try {
        validateArgs(name, args as never);
    } catch (e) {
        expect(e).to.be.instanceOf(WebserverPodArgError);
        const err = e as WebserverPodArgError;
        return { arg: err.arg, message: err.message };
    }
    throw new Error(`${JSON.stringify(args)} was accepted`);
}

describe("validation at its edges (from Stryker's survivors)", () => {
    it("labels that are not a map are refused as such", () => {
        const r = refusal({ labels: "team-a" as never });
        expect(r.arg).to.equal("labels");
        expect(r.message).to.contain('invalid args.labels "team-a": must be a map of strings');
    });

    it("a probe path that is not absolute, or holds a space, is refused with the form it takes", () => {
        for (const path of ["healthz", "/health z"]) {
            const r = refusal({ probes: { readiness: { path } } });
            expect(r.arg, path).to.equal("probes.readiness.path");
            expect(r.message, path).to.contain("must be an absolute URL path without spaces, such as /healthz");
        }
    });

    it("a probe's timings are kept as given", () => {
        const v = validateArgs("web", {
            probes: { readiness: { periodSeconds: 7, timeoutSeconds: 3, failureThreshold: 4, initialDelaySeconds: 2 } },
        });
        expect(v.probes?.readiness).to.deep.include({
            periodSeconds: 7,
            timeoutSeconds: 3,
            failureThreshold: 4,
            initialDelaySeconds: 2,
        });
    });

    it("a request equal to its limit is accepted (only one above it is refused)", () => {
        const v = validateArgs("web", {
            resources: {
                nginx: { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "250m", memory: "64Mi" } },
            },
        });
        expect(v.resources.nginx?.requests).to.deep.include({ cpu: "250m", memory: "64Mi" });
        const r = refusal({ resources: { nginx: { requests: { cpu: "251m" }, limits: { cpu: "250m" } } } });
        expect(r.arg).to.equal("resources.nginx.requests.cpu");
    });

    it("a log volume below the least size is refused with why", () => {
        const r = refusal({ logVolume: { sizeLimit: "1Ki" } });
        expect(r.arg).to.equal("logVolume.sizeLimit");
        expect(r.message).to.match(/must be at least \S+: the kubelet evicts the Pod once its logs exceed the limit/);
    });

    it("a Memory log volume without a sizeLimit, beside a memory limit, is refused: its unbounded size would exceed it", () => {
        const r = refusal({
            logVolume: { medium: "Memory" as never },
            resources: { nginx: { limits: { memory: "128Mi" } } },
        });
        expect(r.arg).to.equal("logVolume.medium");
        expect(r.message).to.contain(
            "a Memory volume counts against nginx-container's memory limit (128Mi), which its unbounded size would exceed",
        );
    });

    it("a component name that cannot name the Service is refused as the component's name, not as an arg given", () => {
        const r = refusal({ service: true }, "1web");
        expect(r.arg).to.equal("podName (the component's name)");
        expect(r.message).to.contain("names the Service too, so it must start with a letter (a DNS-1035 label)");
        expect(refusal({ service: true, podName: "2web" }).arg).to.equal("podName");
    });

    describe("tolerations as the API server takes them", () => {
        const tolerations = (t: object) => validateArgs("web", { tolerations: [t as never] }).tolerations;

        it("an empty key with Exists tolerates every taint; an empty effect every effect; Exists takes no value or an empty one", () => {
            expect(tolerations({ key: "", operator: "Exists" })).to.deep.equal([{ operator: "Exists" }]);
            expect(tolerations({ key: "k", operator: "Exists", effect: "" })).to.deep.equal([
                { key: "k", operator: "Exists" },
            ]);
            expect(tolerations({ key: "k", operator: "Exists", value: "" })).to.deep.equal([
                { key: "k", operator: "Exists" },
            ]);
            expect(tolerations({ key: "k", operator: "Exists", effect: "NoSchedule" })).to.deep.equal([
                { key: "k", operator: "Exists", effect: "NoSchedule" },
            ]);
        });

        it("Equal with no value or an empty one: kept without a value", () => {
            expect(tolerations({ key: "k", effect: "NoSchedule" })).to.deep.equal([
                { key: "k", operator: "Equal", effect: "NoSchedule" },
            ]);
            expect(tolerations({ key: "k", operator: "Equal", value: "" })).to.deep.equal([
                { key: "k", operator: "Equal" },
            ]);
        });

        it("each refusal names the toleration's own field", () => {
            const CASES: Array<[object, string]> = [
                [{ key: "a b" }, "tolerations[0].key"],
                [{ key: "k", operator: "Maybe" }, "tolerations[0].operator"],
                [{ key: "k", value: 5 }, "tolerations[0].value"],
                [{ key: "k", effect: "NoExecute", tolerationSeconds: "soon" }, "tolerations[0].tolerationSeconds"],
            ];
            for (const [t, arg] of CASES)
                expect(refusal({ tolerations: [t as never] }).arg, JSON.stringify(t)).to.equal(arg);
        });
    });

    describe("customTimeouts: Go durations above zero, the whole string", () => {
        const timeouts = (create: unknown) =>
            validateArgs("web", { customTimeouts: { create } as never }).customTimeouts;

        it("takes 90s, 1h30m and 0h5m; refuses 0h0m, 00s, x90s, 90sx and a number, naming the field", () => {
            for (const d of ["90s", "1h30m", "0h5m"]) expect(timeouts(d), d).to.deep.equal({ create: d });
            for (const d of ["0h0m", "00s", "x90s", "90sx"]) {
                const r = refusal({ customTimeouts: { create: d } });
                expect(r.arg, d).to.equal("customTimeouts.create");
                expect(r.message, d).to.contain("must be a duration above zero");
            }
            expect(refusal({ customTimeouts: { create: 5 as never } }).arg).to.equal("customTimeouts.create");
        });
    });

    describe("affinity requirements: values as each operator wants them, every problem once, at its field", () => {
        const ARG =
            "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions";
        /** The issues (field and rule) of one node-selector requirement, or [] when it is taken. */
        const issues = (expr: unknown, terms: unknown = [{ matchExpressions: [expr] }]) => {
            try {
                validateArgs("web", {
                    affinity: {
                        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
                    },
                } as never);
                return [];
            } catch (e) {
                return (e as WebserverPodArgError).issues.map((i) => `${i.arg}: ${i.rule}`);
            }
        };
        const at = (field: string, rule: string) => `${ARG}[0].${field}: ${rule}`;

        it("takes each operator with the values it wants", () => {
            for (const expr of [
                { key: "zone", operator: "In", values: ["a", "b"] },
                { key: "zone", operator: "NotIn", values: ["a"] },
                { key: "zone", operator: "Exists" },
                { key: "zone", operator: "DoesNotExist", values: [] },
                { key: "cores", operator: "Gt", values: ["4"] },
                { key: "cores", operator: "Lt", values: ["-1"] },
            ])
                expect(issues(expr), JSON.stringify(expr)).to.deep.equal([]);
        });

        it("refuses a wrong count or kind of values, once, naming the operator", () => {
            expect(issues({ key: "zone", operator: "In", values: [] })).to.deep.equal([
                at("values", 'must hold at least one value with operator "In"'),
            ]);
            expect(issues({ key: "zone", operator: "Exists", values: ["a"] })).to.deep.equal([
                at("values", 'must be empty with operator "Exists"'),
            ]);
            for (const values of [["1", "2"], ["x5"], ["5x"], []])
                for (const operator of ["Gt", "Lt"])
                    expect(issues({ key: "cores", operator, values }), `${operator} ${values}`).to.deep.equal([
                        at("values", `must be one integer with operator "${operator}"`),
                    ]);
        });

        it("a bad key, operator or value is refused at its own field, and only there", () => {
            expect(issues({ key: "a b", operator: "Exists" }))
                .to.have.length(1)
                .and.satisfy((l: string[]) => l[0].startsWith(at("key", "")));
            expect(issues({ key: "zone", operator: "Maybe" }))
                .to.have.length(1)
                .and.satisfy((l: string[]) => l[0].startsWith(at("operator", "")));
            expect(issues({ key: "zone", operator: "In", values: ["a b"] }))
                .to.have.length(1)
                .and.satisfy((l: string[]) => l[0].startsWith(`${ARG}[0].values[0]: `));
            expect(issues({ key: "zone", operator: "Exists", values: "a" })).to.deep.equal([
                at("values", "must be a list of strings"),
            ]);
            expect(issues(undefined, [{ matchExpressions: "zone=a" }])).to.deep.equal([
                `${ARG}: must be a list of requirements ({ key, operator, values })`,
            ]);
        });
    });

    describe("the checker's messages and hints", () => {
        const message = (args: unknown) => {
            try {
                validateArgs("w", args as never);
            } catch (e) {
                expect((e as Error).name).to.equal("WebserverPodArgError");
                return (e as Error).message;
            }
            throw new Error("accepted");
        };
        const KEYS = "namespace, podName, nginxImage";

        it("args that are not an object: the args themselves named, no dotted path", () => {
            expect(message("x")).to.match(
                new RegExp(`^WebserverPod "w": invalid args "x": must be an object with the keys ${KEYS}, `),
            );
        });

        it("several problems: counted, one a line", () => {
            expect(message({ podName: 5, nginxImage: 5 })).to.equal(
                'WebserverPod "w": 2 problems in its args:\n  invalid args.podName 5: must be a string\n  invalid args.nginxImage 5: must be a string',
            );
        });

        it("with the preset, a request written above the preset's limit is refused at the request (the limit was not written)", () => {
            const r = refusal({ production: true, resources: { nginx: { requests: { cpu: "2" } } } });
            expect(r.arg).to.equal("resources.nginx.requests.cpu");
        });

        it("an option set to undefined is as if unset, not an unknown key", () => {
            expect(() => validateArgs("w", { foo: undefined } as never)).to.not.throw();
        });

        it("unknown keys that may hold a credential are named, their values not shown (apikey, a key named destination)", () => {
            for (const args of [{ apikey: "s3cr3t" }, { retention: { destination: "s3cr3t" } }]) {
                const m = message(args);
                expect(m, JSON.stringify(args)).to.contain(
                    "(value not shown: it may be a credential): is not an option",
                );
            }
        });

        it("integers, images and quantities: the whole rule, no more", () => {
            expect(message({ workload: "Deployment", replicas: 0 })).to.equal(
                'WebserverPod "w": invalid args.replicas 0: must be an integer from 1 to 1000',
            );
            expect(message({ nginxImage: "Nginx:1" })).to.contain(
                "must be an image reference such as nginx:1.27, registry.example.com/team/nginx:1.27 or nginx@sha256:<64 hex digits> (no spaces or upper-case letters in the name)",
            );
            expect(message({ logVolume: { sizeLimit: {} } })).to.contain(
                "invalid args.logVolume.sizeLimit {}: must be a string",
            );
            expect(message({ logVolume: { sizeLimit: "1.5" } })).to.contain(
                'is 1.5 bytes: memory and storage are whole bytes; did you mean "2"?',
            );
        });

        it("disk units get a hint, the whole string trimmed: 200MB, ' 200MB', 1.25GB; none for x200MB or 200MBs", () => {
            const hint = (q: string, n: string, u: string) =>
                expect(message({ logVolume: { sizeLimit: q } }), q).to.contain(
                    `; did you mean "${n}${u}i" (or "${n}${u}", powers of 1000)?`,
                );
            hint("200MB", "200", "M");
            hint(" 200MB", "200", "M");
            hint("1.25GB", "1.25", "G");
            hint("2tb", "2", "T");
            for (const q of ["x200MB", "200MBs", "1.xGB"])
                expect(message({ logVolume: { sizeLimit: q } }), q).to.not.contain("did you mean");
        });
    });

    describe("destinations at their edges (shipping.ts)", () => {
        const es = (elasticsearch: object) => ({ destination: { elasticsearch } }) as never;
        const syslog = (sl: object) => ({ destination: { syslog: sl } }) as never;
        const accepted = (args: never) => expect(() => validateArgs("web", args), JSON.stringify(args)).to.not.throw();

        it("with the preset, a sizeLimit written at or below the preset's maxSize is refused at the sizeLimit", () => {
            const r = refusal({ production: true, logVolume: { sizeLimit: "128Mi" } });
            expect(r.arg).to.equal("logVolume.sizeLimit");
            expect(r.message).to.contain(
                "must be above retention.maxSize (200Mi), or the kubelet evicts the Pod first",
            );
        });

        it("bulk URLs: credentials in either part, a fragment, /_bulk at the end refused; trailing slashes dropped", () => {
            for (const url of [
                "http://user@es:9200",
                "http://:pw@es:9200",
                "http://es:9200/#x",
                "http://es:9200/base/_bulk",
            ])
                expect(refusal(es({ url })).arg, url).to.equal("destination.elasticsearch.url");
            expect(validateArgs("web", es({ url: "http://es:9200/base//" })).destination).to.deep.include({
                server: "http://es:9200/base",
            });
            expect(refusal(es({ url: 5 })).arg).to.equal("destination.elasticsearch.url");
            expect(refusal({ destination: { elasticsearch: "x" } } as never).arg).to.equal("destination.elasticsearch");
        });

        it("index, auth and TLS: each rule at its field with its words; what is right is taken", () => {
            expect(refusal(es({ url: "http://es", index: "Bad" })).message).to.contain(
                "must be an index name: lowercase letters",
            );
            expect(refusal(es({ url: "http://es", auth: {} })).arg).to.equal(
                "destination.elasticsearch.auth.basicAuthSecret",
            );
            expect(refusal(es({ url: "https://es", auth: { basicAuthSecret: "Bad_Name" } })).message).to.contain(
                "must be the name of a Secret (a DNS subdomain: lowercase letters, digits, '-' and '.') of type kubernetes.io/basic-auth",
            );
            accepted(es({ url: "http://es:9200", auth: { basicAuthSecret: "writer", allowPlainHttp: true } }));
            accepted(es({ url: "https://es:9200", tls: { ca: { configMap: "es-ca" } } }));
            const ca = (caValue: unknown) => refusal(es({ url: "https://es", tls: { ca: caValue } }));
            expect(ca("x").arg).to.equal("destination.elasticsearch.tls.ca");
            expect(ca({ configMap: "Bad_Name" }).message).to.contain("ConfigMap");
            expect(ca({ secret: "Bad_Name" }).message).to.contain("Secret");
            expect(ca({ configMap: "es-ca", key: 5 }).arg).to.equal("destination.elasticsearch.tls.ca.key");
            for (const key of ["bad key.crt", "ca.crt bad"]) {
                const r = ca({ configMap: "es-ca", key });
                expect(r.arg, key).to.equal("destination.elasticsearch.tls.ca.key");
                expect(r.message, key).to.contain(
                    "must be a ConfigMap or Secret key: letters, digits, '-', '_' and '.'",
                );
            }
        });

        it("syslog: RELP without TLS takes an IP address; RELP with TLS and no ca says librelp takes no system CAs", () => {
            accepted(syslog({ address: "10.0.0.1:2514", protocol: "relp" }));
            expect(refusal(syslog({ address: "logs.example.com:2514", protocol: "relp", tls: {} })).message).to.contain(
                "needs ca for syslog over TLS: librelp takes no system CAs",
            );
        });
    });
});

/** Every problem of `args`, as "arg: rule" (the message's own rule text, the value left out). */
function problemsOf(args: unknown): string[] {
    try {
        validateArgs("web", args as never);
    } catch (e) {
        expect(e).to.be.instanceOf(WebserverPodArgError);
        return (e as WebserverPodArgError).issues.map((i) => `${i.arg}: ${i.rule}`);
    }
    return [];
}

// The survivors of `npx stryker run --mutate 'components/validate/**/*.ts' --force` (2026-12-05) that
// a test can tell apart: each case below is red under its mutant (docs/testing.md, "Stryker").
describe("validation at its edges (the --force run's survivors)", () => {
    const nodeTerms = (matchExpressions: unknown[]) => ({
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
            },
        },
    });
    const AT =
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]";

    it("Gt and Lt take integers of any length and sign; In takes no negative number (no label value)", () => {
        for (const [operator, value] of [
            ["Gt", "16"],
            ["Lt", "-10"],
            ["Gt", "-1"],
            ["Lt", "128"],
        ])
            expect(
                problemsOf(nodeTerms([{ key: "cores", operator, values: [value] }])),
                `${operator} ${value}`,
            ).to.deep.equal([]);
        expect(problemsOf(nodeTerms([{ key: "cores", operator: "In", values: ["-1"] }]))).to.have.length(1);
        expect(problemsOf(nodeTerms([{ key: "cores", operator: "In", values: ["-1"] }]))[0]).to.match(
            new RegExp(`^${AT.replace(/[[\].]/g, "\\$&")}\\.values\\[0\\]: `),
        );
    });

    it("NotIn needs values and DoesNotExist takes none, as In and Exists", () => {
        expect(problemsOf(nodeTerms([{ key: "zone", operator: "NotIn", values: [] }]))).to.deep.equal([
            `${AT}.values: must hold at least one value with operator "NotIn"`,
        ]);
        expect(problemsOf(nodeTerms([{ key: "zone", operator: "DoesNotExist", values: ["a"] }]))).to.deep.equal([
            `${AT}.values: must be empty with operator "DoesNotExist"`,
        ]);
    });

    it("a node selector term without matchExpressions is taken as it is", () => {
        const v = validateArgs("web", {
            affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } },
        } as never);
        expect(v.affinity).to.deep.equal({
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } },
        });
    });

    const podTerm = (term: Record<string, unknown>) => ({
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } },
    });
    const POD = "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution";

    it("a required pod affinity term with a namespaceSelector is kept whole; a bad one is refused at its field", () => {
        const term = {
            topologyKey: "kubernetes.io/hostname",
            labelSelector: { matchLabels: { app: "web" } },
            namespaceSelector: { matchLabels: { team: "a" } },
        };
        expect(validateArgs("web", podTerm(term) as never).affinity).to.deep.equal({
            podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] },
        });
        expect(problemsOf(podTerm({ ...term, namespaceSelector: { matchLabels: { team: "a b" } } }))[0]).to.match(
            new RegExp(`^${POD.replace(/[[\].]/g, "\\$&")}\\[0\\]\\.namespaceSelector\\.matchLabels\\["team"\\]: `),
        );
        expect(problemsOf(podTerm({ ...term, labelSelector: { matchLabels: { app: "a b" } } }))[0]).to.match(
            new RegExp(`^${POD.replace(/[[\].]/g, "\\$&")}\\[0\\]\\.labelSelector\\.matchLabels\\["app"\\]: `),
        );
    });

    it("an empty topologyKey is refused as a missing one", () => {
        expect(problemsOf(podTerm({ topologyKey: "" }))).to.deep.equal([
            `${POD}[0].topologyKey: is required: the node label that defines "near" (e.g. kubernetes.io/hostname)`,
        ]);
    });

    it("what each list holds is named when it is no list", () => {
        const cases: Array<[unknown, string]> = [
            [
                { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: "x" } } },
                "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution: must be a list of weighted terms ({ weight, preference })",
            ],
            [
                podTerm({ topologyKey: "zone", labelSelector: { matchExpressions: "x" } }),
                `${POD}[0].labelSelector.matchExpressions: must be a list of requirements ({ key, operator, values })`,
            ],
            [
                podTerm({ topologyKey: "zone", namespaces: "web" }),
                `${POD}[0].namespaces: must be a list of namespace names`,
            ],
            [
                { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: "x" } } },
                `${POD}: must be a list of pod affinity terms ({ labelSelector, topologyKey })`,
            ],
            [
                {
                    affinity: {
                        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: "x" } },
                    },
                },
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: must be a list of node selector terms ({ matchExpressions })",
            ],
        ];
        for (const [args, expected] of cases) expect(problemsOf(args), expected).to.deep.equal([expected]);
    });

    it("a required node affinity that is no object is refused at its own field", () => {
        const [p] = problemsOf({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: "x" } } });
        expect(p).to.match(
            /^affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution: must be an object/,
        );
    });

    // Not a survivor's killer: null is refused as no object before the checker's wrote() could walk
    // through it, so `v === null` there is equivalent (docs/testing.md); the refusal is kept here.
    it("args holding null where the preset looks are refused as values, not crashed on", () => {
        const [p] = problemsOf({ production: true, resources: null });
        expect(p).to.match(/^resources: must be an object/);
    });

    it("a quantity that is none: the rule and its examples, nothing after them", () => {
        expect(problemsOf({ resources: { nginx: { limits: { cpu: "lots" } } } })).to.deep.equal([
            'resources.nginx.limits.cpu: must be a Kubernetes quantity such as "100m", "0.5", "64Mi" or "1Gi"',
        ]);
    });

    it("syslog over TCP with TLS keeps the pinned agent image (only RELP with TLS needs the later rsyslog), and may name an IP", () => {
        const v = validateArgs("web", {
            destination: { syslog: { address: "10.0.0.5:6514", protocol: "tcp", tls: { ca: { configMap: "ca" } } } },
        } as never);
        expect(v.sidecarImage).to.equal(AGENT.image);
    });

    it("a probe path that is no string, a toleration key that is no string, an index that is no string, a log volume that is no object: named at their own field", () => {
        const cases: Array<[unknown, RegExp]> = [
            [{ probes: { readiness: { path: 5 } } }, /^probes\.readiness\.path: must be a string$/],
            [{ tolerations: [{ key: 5, operator: "Exists" }] }, /^tolerations\[0\]\.key: must be a string$/],
            [
                { destination: { elasticsearch: { url: "http://logs:9200", index: 5 } } },
                /^destination\.elasticsearch\.index: must be a string$/,
            ],
            [{ logVolume: "big" }, /^logVolume: must be an object/],
        ];
        for (const [args, expected] of cases) {
            const found = problemsOf(args);
            expect(found, JSON.stringify(args)).to.have.length(1);
            expect(found[0]).to.match(expected);
        }
    });

    it("an elasticsearch url that is bad is refused once: tls or auth beside it add nothing", () => {
        expect(
            problemsOf({
                destination: { elasticsearch: { url: "logs:9200", tls: { ca: { configMap: "ca" } } } },
            }),
        ).to.have.length(1);
        expect(
            problemsOf({
                destination: { elasticsearch: { url: "http://logs:9200", auth: { basicAuthSecret: 5 } } },
            }),
        ).to.deep.equal(["destination.elasticsearch.auth.basicAuthSecret: must be a string"]);
    });

    it("a url with a #fragment is refused saying so", () => {
        expect(problemsOf({ destination: { elasticsearch: { url: "http://logs:9200/#x" } } })).to.deep.equal([
            "destination.elasticsearch.url: must not have a #fragment",
        ]);
    });
});
