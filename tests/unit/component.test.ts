import { podStatus, promiseOf, registered } from "../helpers/mocks";
import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Shipper, WebserverPod, WebserverPodArgs, WEBSERVER_POD_TYPE } from "../../components";
import { IMAGES } from "../../components/defaults";
import { seedPod } from "../helpers/fixtures";

/** Creates a component and returns the Pod inputs that reached the (mock) engine. */
async function podInputsOf(name: string, args?: WebserverPodArgs): Promise<any> {
    const c = new WebserverPod(name, args);
    await promiseOf(c.podName);
    const pods = registered(`${name}-pod`);
    expect(pods, `one Pod registered for ${name}`).to.have.length(1);
    return pods[0].inputs;
}

describe("WebserverPod component", () => {
    it("declares exactly the seed Pod when given no options, named after the component", async () => {
        const inputs = await podInputsOf("seed");
        const seed = seedPod();
        expect(inputs.apiVersion).to.equal(seed.apiVersion);
        expect(inputs.kind).to.equal(seed.kind);
        // The seed's name is the program's component name, "webserver" (tests/unit/program.test.ts).
        expect(inputs.metadata).to.deep.equal({ name: "seed" });
        expect(inputs.spec).to.deep.equal(seed.spec);
        expect(Object.keys(inputs).sort()).to.deep.equal(["apiVersion", "kind", "metadata", "spec"]);
    });

    it("two instances in one namespace get their own objects (names from the component's names)", async () => {
        const [a, b] = [new WebserverPod("web-a"), new WebserverPod("web-b")];
        expect([await promiseOf(a.podName), await promiseOf(b.podName)]).to.deep.equal(["web-a", "web-b"]);
    });

    it("registers the Pod as a child of the component", async () => {
        const seen: Array<{ type: string; name: string; parent?: pulumi.Resource }> = [];
        const c = new WebserverPod(
            "parented",
            {},
            {
                transformations: [
                    (a) => {
                        seen.push({ type: a.type, name: a.name, parent: a.opts.parent });
                        return undefined;
                    },
                ],
            },
        );
        await promiseOf(c.podName);
        const pod = seen.find((s) => s.type === "kubernetes:core/v1:Pod");
        expect(pod, "Pod registered through the component").to.not.equal(undefined);
        expect(pod!.parent).to.equal(c);
        expect(registered("parented").map((r) => r.type)).to.deep.equal([WEBSERVER_POD_TYPE]);
    });

    it("passes a Kubernetes provider from its resource options to the Pod", async () => {
        const kind = new k8s.Provider("kind", { context: "kind-webserver" });
        const c = new WebserverPod("with-provider", {}, { providers: [kind] });
        await promiseOf(c.podName);
        const providerUrn = await promiseOf(kind.urn);
        const [pod] = registered("with-provider-pod");
        expect(pod.provider, "the Pod's provider reference").to.match(
            new RegExp(`^${providerUrn.replace(/[$]/g, "\\$")}::`),
        );
    });

    it("registers its outputs", async () => {
        const calls: any[] = [];
        const original = (WebserverPod.prototype as any).registerOutputs;
        (WebserverPod.prototype as any).registerOutputs = function (this: unknown, outputs: any) {
            if (outputs !== undefined) calls.push(outputs); // the base class's own call passes none
            return original.call(this, outputs);
        };
        try {
            const c = new WebserverPod("with-outputs");
            await promiseOf(c.readyContainers);
        } finally {
            (WebserverPod.prototype as any).registerOutputs = original;
        }
        expect(calls).to.have.length(1);
        expect(Object.keys(calls[0]).sort()).to.deep.equal([
            "namespace",
            "podIp",
            "podName",
            "readyContainers",
            "readyReplicas",
            "serviceIp",
            "serviceName",
            "status",
            "workload",
        ]);
        expect(await promiseOf(calls[0].podIp)).to.equal(podStatus.podIP);
    });

    describe("outputs from the Pod's status", () => {
        afterEach(() => {
            podStatus.ready = [true, true];
            podStatus.phase = "Running";
        });

        it("reports podIp, status, podName, namespace and 2/2 when both containers are ready", async () => {
            const c = new WebserverPod("ready");
            expect(await promiseOf(c.podIp)).to.equal("10.244.0.7");
            expect(await promiseOf(c.status)).to.equal("Running");
            expect(await promiseOf(c.podName)).to.equal("ready");
            expect(await promiseOf(c.namespace)).to.equal("default");
            expect(await promiseOf(c.readyContainers)).to.equal("2/2");
        });

        it("reports 1/2 when the sidecar is not ready", async () => {
            podStatus.ready = [true, false];
            podStatus.phase = "Pending";
            const c = new WebserverPod("half-ready");
            expect(await promiseOf(c.readyContainers)).to.equal("1/2");
            expect(await promiseOf(c.status)).to.equal("Pending");
        });

        it("reports 0/2 when no container has a status yet", async () => {
            podStatus.ready = [];
            const c = new WebserverPod("no-status");
            expect(await promiseOf(c.readyContainers)).to.equal("0/2");
        });
    });

    describe("options appear where they belong and nowhere else", () => {
        const seed = () => seedPod();

        it("namespace goes to metadata.namespace only", async () => {
            const inputs = await podInputsOf("ns", { namespace: "team-a" });
            expect(inputs.metadata).to.deep.equal({ name: "ns", namespace: "team-a" });
            expect(inputs.spec).to.deep.equal(seed().spec);
        });

        it("podName goes to metadata.name only", async () => {
            const inputs = await podInputsOf("named", { podName: "web-1" });
            expect(inputs.metadata).to.deep.equal({ name: "web-1" });
            expect(inputs.spec).to.deep.equal(seed().spec);
        });

        it("nginxImage changes only nginx-container's image", async () => {
            const inputs = await podInputsOf("nginx-img", { nginxImage: "nginx:1.27.3" });
            const expected = seed().spec;
            expected.containers[0].image = "nginx:1.27.3";
            expect(inputs.spec).to.deep.equal(expected);
        });

        it("sidecarImage changes only sidecar-container's image", async () => {
            const inputs = await podInputsOf("sidecar-img", { sidecarImage: "ubuntu:24.04" });
            const expected = seed().spec;
            expected.containers[1].image = "ubuntu:24.04";
            expect(inputs.spec).to.deep.equal(expected);
        });

        it("the stream shipper without a sidecarImage runs the pinned ubuntu it was tested on, not ubuntu:latest", async () => {
            const chosen = await podInputsOf("stream-img", { shipper: Shipper.Stream });
            const given = await podInputsOf("stream-own-img", { shipper: Shipper.Stream, sidecarImage: "debian:13.1" });
            expect(chosen.spec.containers[1].image)
                .to.equal(IMAGES.ubuntu)
                .and.match(/^ubuntu:noble-\d{8}$/);
            expect(given.spec.containers[1].image).to.equal("debian:13.1");
        });

        it("labels and annotations go to metadata only", async () => {
            const labels = { "app.kubernetes.io/name": "webserver", tier: "web" };
            const annotations = { "example.com/owner": "platform team, room 4" };
            const inputs = await podInputsOf("meta", { labels, annotations });
            expect(inputs.metadata).to.deep.equal({ name: "meta", labels, annotations });
            expect(inputs.spec).to.deep.equal(seed().spec);
        });

        it("accepts Outputs and resolves them into the Pod", async () => {
            const inputs = await podInputsOf("from-outputs", {
                podName: pulumi.output("web-out"),
                labels: { tier: pulumi.output("web") },
            });
            expect(inputs.metadata).to.deep.equal({ name: "web-out", labels: { tier: "web" } });
        });
    });
});
