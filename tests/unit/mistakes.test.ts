// Each class of mistake a user makes, through every way they give args: to the component as plain
// values, as Outputs (checked when they resolve), and in a stack file through `npm run render`.
// Every problem of one call is reported at once, each under the argument path the user wrote,
// and nothing is registered.
import { registered, settle } from "../helpers/mocks";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { validateArgs, WebserverPod, WebserverPodArgError } from "../../components";
import { cliCase, lateCase } from "../helpers/children";

interface Mistake {
    title: string;
    args: Record<string, unknown>;
    /** Each problem: the argument path, the value given there, a fragment of the rule. */
    issues: Array<[string, unknown, string]>;
    /** Fragments the render of the same args as a stack file must print (defaults to each issue's path and value). */
    stack?: string[];
}

const MISTAKES: Mistake[] = [
    {
        title: "a typo of a top-level option",
        args: { shiper: "stream" },
        issues: [["shiper", "stream", 'is not an option; did you mean "shipper"?']],
        stack: ["webserver-sidecar:shiper is not an option of this program; did you mean webserver-sidecar:shipper?"],
    },
    {
        title: "a wrong case",
        args: { podname: "web" },
        issues: [["podname", "web", 'did you mean "podName"?']],
        stack: ["did you mean webserver-sidecar:podName?"],
    },
    {
        title: "a misspelt map",
        args: { lables: { tier: "web" } },
        issues: [["lables", { tier: "web" }, 'did you mean "labels"?']],
        stack: ["did you mean webserver-sidecar:labels?"],
    },
    {
        title: "a typo inside an option",
        args: { shipper: "stream", retention: { maxSzie: "100Mi" } },
        issues: [["retention.maxSzie", "100Mi", 'did you mean "maxSize"?']],
    },
    {
        title: "a typo two levels down",
        args: { resources: { nginx: { limit: { cpu: "1" } } } },
        issues: [["resources.nginx.limit", { cpu: "1" }, 'did you mean "limits"?']],
    },
    {
        title: "memory in milli-bytes",
        args: { resources: { nginx: { limits: { memory: "128m" } } } },
        issues: [
            [
                "resources.nginx.limits.memory",
                "128m",
                'is 0.128 bytes: memory and storage are whole bytes; "m" means milli: did you mean "128Mi"?',
            ],
        ],
    },
    {
        title: "a volume size in milli-bytes",
        args: { logVolume: { sizeLimit: "100m" } },
        issues: [["logVolume.sizeLimit", "100m", 'did you mean "100Mi"?']],
    },
    {
        title: "a retention bound the shipper cannot hold",
        args: { shipper: "stream", retention: { maxSize: "150Ki" } },
        issues: [["retention.maxSize", "150Ki", "must be at least 192Ki: 64Ki of it hold the stream shipper's state"]],
    },
    {
        title: "a size limit of 0, which the API server takes and the kubelet evicts at the first line",
        args: { logVolume: { sizeLimit: "0" } },
        issues: [["logVolume.sizeLimit", "0", "must be at least 280Ki: the kubelet evicts the Pod"]],
    },
    {
        title: "a size limit too small for the retention it derives",
        args: { shipper: "stream", retention: {}, logVolume: { sizeLimit: "200Ki" } },
        issues: [["logVolume.sizeLimit", "200Ki", "must be at least 280Ki"]],
    },
    {
        title: "a Memory volume beside the preset's memory limits",
        args: { production: true, logVolume: { medium: "Memory" } },
        issues: [
            ["logVolume.medium", "Memory", "memory limit (128Mi), which is not above logVolume.sizeLimit (256Mi)"],
        ],
    },
    {
        title: "retention on a Memory volume without a size limit",
        args: { shipper: "stream", retention: {}, logVolume: { medium: "Memory" } },
        issues: [["logVolume.medium", "Memory", "a Memory volume needs logVolume.sizeLimit"]],
    },
    {
        title: "a probe period beyond int32",
        args: { probes: { readiness: { periodSeconds: 2 ** 31 } } },
        issues: [["probes.readiness.periodSeconds", 2 ** 31, "must be an integer from 1 to 2147483647"]],
    },
    {
        title: "a cat-loop period of 1e21 seconds",
        args: { catLoopPeriodSeconds: 1e21 },
        issues: [["catLoopPeriodSeconds", 1e21, "must be an integer from 1 to 86400"]],
        stack: ['webserver-sidecar:catLoopPeriodSeconds "1e+21": must be an integer'],
    },
    {
        title: "a path on the sidecar's exec probe",
        args: { probes: { sidecarLiveness: { path: "/healthz" } } },
        issues: [["probes.sidecarLiveness.path", "/healthz", "applies to nginx's HTTP probes only"]],
    },
    {
        title: "three mistakes in one call",
        args: { podName: "Bad_Name", shiper: "stream", resources: { sidecar: { limits: { memory: "64m" } } } },
        issues: [
            ["shiper", "stream", 'did you mean "shipper"?'],
            ["podName", "Bad_Name", "DNS-1123 label"],
            ["resources.sidecar.limits.memory", "64m", 'did you mean "64Mi"?'],
        ],
        stack: [
            "3 problems",
            "did you mean webserver-sidecar:shipper?",
            'invalid args.podName "Bad_Name"',
            'invalid args.resources.sidecar.limits.memory "64m"',
        ],
    },
];

const show = (v: unknown) => JSON.stringify(v);
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
const PLAIN_ONLY = ["security", "production"];

/** A stack file with the same args under the project's namespace. */
function stackFile(args: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mistake-"));
    const file = path.join(dir, "Pulumi.mistake.yaml");
    const config = Object.fromEntries(Object.entries(args).map(([k, v]) => [`webserver-sidecar:${k}`, v]));
    fs.writeFileSync(file, stringify({ config }));
    return file;
}

const runs = MISTAKES.map((m) => ({
    late: lateCase({
        name: `late-${slug(m.title)}`.slice(0, 60),
        args: m.args,
        outputs: Object.keys(m.args).filter((k) => !PLAIN_ONLY.includes(k)),
    }),
    render: cliCase({ script: "render", argv: ["--config-file", stackFile(m.args)] }),
}));

describe("mistakes are reported, all at once, naming the argument as written", () => {
    MISTAKES.forEach((m, i) => {
        describe(m.title, () => {
            it("as plain args: thrown before anything is registered", async () => {
                const name = `plain-${slug(m.title)}`.slice(0, 60);
                let err: unknown;
                try {
                    new WebserverPod(name, m.args as any);
                } catch (e) {
                    err = e;
                }
                expect(err).to.be.instanceOf(WebserverPodArgError);
                const e = err as WebserverPodArgError;
                expect(e.issues.map((x) => x.arg)).to.have.members(m.issues.map(([arg]) => arg));
                for (const [arg, value, rule] of m.issues) {
                    expect(e.message)
                        .to.contain(`invalid args.${arg} ${show(value)}: `)
                        .and.contain(rule);
                }
                if (m.issues.length > 1) expect(e.message).to.contain(`${m.issues.length} problems in its args`);
                await settle();
                expect(registered(name), "component registered").to.have.length(0);
                expect(registered(`${name}-pod`), "Pod registered").to.have.length(0);
            });

            it("as Outputs: rejected with the same message when they resolve; no Pod registered", () => {
                const r = runs[i].late();
                expect(r.thrown, "nothing was known at construction").to.equal(undefined);
                for (const [arg, value, rule] of m.issues) {
                    expect(r.rejected)
                        .to.contain(`invalid args.${arg} ${show(value)}: `)
                        .and.contain(rule);
                }
                expect(r.registered).to.deep.equal(["webserver-sidecar:index:WebserverPod"]);
            });

            it("in a stack file: npm run render fails with it and prints no object", () => {
                const r = runs[i].render();
                expect(r.code).to.equal(1);
                expect(r.stdout).to.equal("");
                const expected = m.stack ?? m.issues.map(([arg, value]) => `invalid args.${arg} ${show(value)}`);
                for (const fragment of expected) expect(r.stderr).to.contain(fragment);
            });
        });
    });

    it("never names a value the user did not set", () => {
        let message = "";
        try {
            validateArgs("derived", { shipper: "stream", retention: {}, logVolume: { sizeLimit: "200Ki" } });
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).to.contain("logVolume.sizeLimit").and.not.contain("retention.maxSize (unset)");
        expect(message).to.not.contain("undefined");
    });
});

describe("the production preset is merged field by field", () => {
    it("a resource quantity you set replaces only that quantity", () => {
        const v = validateArgs("merge", { production: true, resources: { nginx: { limits: { cpu: "1" } } } });
        expect(v.resources.nginx).to.deep.equal({
            requests: { cpu: "100m", memory: "64Mi", "ephemeral-storage": "64Mi" },
            limits: { cpu: "1", memory: "128Mi", "ephemeral-storage": "512Mi" },
        });
        expect(v.resources.sidecar?.limits?.memory).to.equal("64Mi");
    });

    it("a volume medium you set keeps the preset's size limit", () => {
        const v = validateArgs("merge-volume", {
            production: true,
            logVolume: { medium: "Memory" },
            resources: { nginx: { limits: { memory: "512Mi" } } },
        });
        expect(v.logVolume).to.deep.equal({ sizeLimit: "256Mi", medium: "Memory" });
    });

    it("a limit below the preset's request names the limit you wrote", () => {
        let e: WebserverPodArgError | undefined;
        try {
            validateArgs("merge-limit", { production: true, resources: { nginx: { limits: { cpu: "50m" } } } });
        } catch (x) {
            e = x as WebserverPodArgError;
        }
        expect(e?.issues).to.deep.equal([
            {
                arg: "resources.nginx.limits.cpu",
                value: "50m",
                rule: "must not be below requests.cpu (100m); Kubernetes rejects such a Pod",
            },
        ]);
    });
});
