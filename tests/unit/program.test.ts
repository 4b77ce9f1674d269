import { promiseOf, registered, podStatus } from "../helpers/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { seedPod } from "../helpers/fixtures";
import { argsFromStackConfig } from "../../program/stackConfig";

describe("the Pulumi program (index.ts)", () => {
    let program: typeof import("../../index");

    before(async () => {
        podStatus.ready = [true, true];
        // Imported after the mocks are set, as `pulumi up` would run it: with the dev stack's (empty) config.
        program = await import("../../index");
    });

    it("exports the pod IP, status, readiness, name and namespace as stack outputs", async () => {
        expect(await promiseOf(program.podIp)).to.equal("10.244.0.7");
        expect(await promiseOf(program.podStatus)).to.equal("Running");
        expect(await promiseOf(program.readyContainers)).to.equal("2/2");
        expect(await promiseOf(program.podName)).to.equal("webserver");
        expect(await promiseOf(program.namespace)).to.equal("default");
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
            expect(argsFromStackConfig()).to.deep.equal({
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
            const args = argsFromStackConfig();
            expect(Object.values(args).filter((v) => v !== undefined)).to.deep.equal([]);
        });
    });
});

describe("README", () => {
    it("documents every option the stack config reaches, in a table row", () => {
        const readme = require("fs").readFileSync(
            require("path").join(__dirname, "..", "..", "README.md"),
            "utf8",
        ) as string;
        for (const key of Object.keys(argsFromStackConfig())) {
            expect(readme, key).to.match(new RegExp(`^\\| \`${key}(\\.[a-z]+)?\` \\|`, "m"));
        }
    });
});
