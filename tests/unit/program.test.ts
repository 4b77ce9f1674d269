import { promiseOf, registered, podStatus } from "../helpers/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { seedPod } from "../helpers/fixtures";
import { PRODUCTION_PRESET } from "../../components";
import { readStackArgs, STACK_KEYS } from "../../program/stackConfig";

describe("the Pulumi program (index.ts)", () => {
    let program: Record<string, any>;

    before(async () => {
        podStatus.ready = [true, true];
        // Imported after the mocks are set, as `pulumi up` would run it: with the dev stack's (empty) config.
        program = (await import("../../program/index")).default;
    });

    it("exports the pod IP, status, readiness, name and namespace as stack outputs", async () => {
        expect(await promiseOf(program.podIp)).to.equal("10.244.0.7");
        expect(await promiseOf(program.podStatus)).to.equal("Running");
        expect(await promiseOf(program.readyContainers)).to.equal("2/2");
        expect(await promiseOf(program.podName)).to.equal("webserver");
        expect(await promiseOf(program.namespace)).to.equal("default");
        expect(await promiseOf(program.workload)).to.equal("Pod");
        // Only what applies to a Pod is exported: the engine warns about every undefined stack output.
        expect(Object.keys(program).sort()).to.deep.equal(
            ["namespace", "podIp", "podName", "podStatus", "readyContainers", "workload"].sort(),
        );
    });

    it("declares the seed Pod with no stack config", async () => {
        await promiseOf(program.podName);
        const [pod] = registered("webserver-pod");
        const seed = seedPod();
        expect({
            apiVersion: pod.inputs.apiVersion,
            kind: pod.inputs.kind,
            metadata: pod.inputs.metadata,
            spec: pod.inputs.spec,
        }).to.deep.equal(seed);
    });

    describe("stack config", () => {
        const project = pulumi.getProject();
        afterEach(() => pulumi.runtime.setAllConfig({}));

        it("reads every key under the project's namespace into the component's args", () => {
            pulumi.runtime.setAllConfig({
                [`${project}:namespace`]: "team-a",
                [`${project}:podName`]: "web-1",
                [`${project}:nginxImage`]: "nginx:1.27",
                [`${project}:sidecarImage`]: "ubuntu:24.04",
                [`${project}:labels`]: JSON.stringify({ tier: "web" }),
                [`${project}:annotations`]: JSON.stringify({ "example.com/owner": "me" }),
                [`${project}:imagePullPolicy`]: "Always",
                [`${project}:resources`]: JSON.stringify({ nginx: { limits: { cpu: "1" } } }),
                [`${project}:probes`]: JSON.stringify({ readiness: { path: "/healthz" } }),
                [`${project}:logVolume`]: JSON.stringify({ sizeLimit: "1Gi" }),
                [`${project}:security`]: "restricted",
                [`${project}:production`]: "true",
                [`${project}:shipper`]: "stream",
                [`${project}:catLoopPeriodSeconds`]: "5",
                [`${project}:retention`]: JSON.stringify({ maxAge: "1h" }),
                [`${project}:nativeSidecar`]: "true",
            });
            expect(readStackArgs().problems).to.deep.equal([]);
            expect(readStackArgs().args).to.deep.equal({
                imagePullPolicy: "Always",
                resources: { nginx: { limits: { cpu: "1" } } },
                probes: { readiness: { path: "/healthz" } },
                logVolume: { sizeLimit: "1Gi" },
                security: "restricted",
                production: true,
                shipper: "stream",
                catLoopPeriodSeconds: 5,
                retention: { maxAge: "1h" },
                nativeSidecar: true,
                namespace: "team-a",
                podName: "web-1",
                nginxImage: "nginx:1.27",
                sidecarImage: "ubuntu:24.04",
                labels: { tier: "web" },
                annotations: { "example.com/owner": "me" },
            });
        });

        it("leaves unset keys unset, so the component's defaults apply", () => {
            expect(readStackArgs()).to.deep.equal({ args: {}, problems: [] });
        });
    });
});

describe("README", () => {
    /** The rows of README's Options table: option (up to the first dot) -> its cells. */
    function optionRows(): Array<{ option: string; cells: string[] }> {
        const readme = require("fs").readFileSync(
            require("path").join(__dirname, "..", "..", "README.md"),
            "utf8",
        ) as string;
        const section = readme.slice(readme.indexOf("### Options"));
        const table = section.slice(
            section.indexOf("| option |"),
            section.indexOf("\n\n", section.indexOf("| option |")),
        );
        return table
            .split("\n")
            .slice(2)
            .map((line) => line.split(" | ").map((c) => c.replace(/^\| /, "").trim()))
            .map((cells) => ({ option: /^`([a-zA-Z]+)/.exec(cells[0])![1], cells }));
    }

    it("lists exactly the options of the component (and of the stack config) in its Options table", () => {
        expect([...new Set(optionRows().map((r) => r.option))].sort()).to.deep.equal(Object.keys(STACK_KEYS).sort());
    });

    it("gives a production value exactly for the options the preset sets", () => {
        const withPreset = optionRows()
            .filter((r) => r.cells[2] !== "—")
            .map((r) => r.option);
        expect([...new Set(withPreset)].sort()).to.deep.equal(Object.keys(PRODUCTION_PRESET).sort());
    });
});
