import { registered, settle } from "../helpers/mocks";
import { expectArgError } from "../helpers/argErrors";
import { lateCase } from "../helpers/children";

const lateBad = lateCase({ name: "late-bad", args: { podName: "Not_A_Label" }, outputs: ["podName"] });
import { expect } from "chai";
import { validateArgs, WebserverPodArgs } from "../../components";

// Each bad input: the arg it is given as, the args, and a fragment of the rule the message must state.
const BAD: Array<[string, WebserverPodArgs, string, unknown]> = [
    ["podName", { podName: "Webserver" }, "DNS-1123 label", "Webserver"],
    ["podName", { podName: "web_server" }, "DNS-1123 label", "web_server"],
    ["podName", { podName: "-web" }, "DNS-1123 label", "-web"],
    ["podName", { podName: "" }, "DNS-1123 label", ""],
    ["podName", { podName: "a".repeat(64) }, "at most 63", "a".repeat(64)],
    ["namespace", { namespace: "Team A" }, "DNS-1123 label", "Team A"],
    ["namespace", { namespace: "team.a" }, "DNS-1123 label", "team.a"],
    ["nginxImage", { nginxImage: "" }, "must not be empty", ""],
    ["nginxImage", { nginxImage: "   " }, "must not be empty", "   "],
    ["nginxImage", { nginxImage: "nginx latest" }, "image reference", "nginx latest"],
    ["nginxImage", { nginxImage: "NGINX:latest" }, "image reference", "NGINX:latest"],
    ["nginxImage", { nginxImage: "nginx:lat$est" }, "image reference", "nginx:lat$est"],
    ["nginxImage", { nginxImage: "nginx@sha256:abc" }, "image reference", "nginx@sha256:abc"],
    ["sidecarImage", { sidecarImage: "ubuntu::latest" }, "image reference", "ubuntu::latest"],
    ["sidecarImage", { sidecarImage: " ubuntu:latest" }, "image reference", " ubuntu:latest"],
    ["labels key", { labels: { "bad key": "x" } }, "name must be 1-63", "bad key"],
    ["labels key", { labels: { "Example.com/app": "x" } }, "DNS-1123 subdomain", "Example.com/app"],
    ["labels key", { labels: { ["k".repeat(64)]: "x" } }, "name must be 1-63", "k".repeat(64)],
    ['labels["app"]', { labels: { app: "web server" } }, "must be empty or 1-63", "web server"],
    ['labels["app"]', { labels: { app: "v".repeat(64) } }, "must be empty or 1-63", "v".repeat(64)],
    ['labels["app"]', { labels: { app: "-web" } }, "must be empty or 1-63", "-web"],
    ["annotations key", { annotations: { "/owner": "x" } }, "DNS-1123 subdomain", "/owner"],
    ["annotations", { annotations: { big: "x".repeat(256 * 1024) } }, "at most 256 KiB", `${256 * 1024 + 3} bytes`],
];

describe("validation of the args", () => {
    for (const [arg, args, rule, value] of BAD) {
        const shown = JSON.stringify(value);
        it(`rejects ${arg} ${shown.length > 40 ? shown.slice(0, 37) + '..."' : shown} before registering anything`, async () => {
            const name = `bad-${Math.random().toString(36).slice(2, 8)}`;
            expectArgError(name, args, arg, value, rule);
            await settle();
            expect(registered(name), "component registered").to.have.length(0);
            expect(registered(`${name}-pod`), "Pod registered").to.have.length(0);
        });
    }

    it("accepts the values Kubernetes accepts", () => {
        const v = validateArgs("ok", {
            podName: "a".repeat(63),
            namespace: "kube-system",
            nginxImage: "registry.example.com:5000/team/nginx:1.27.3-alpine",
            sidecarImage: `localhost/ubuntu@sha256:${"a".repeat(64)}`,
            labels: { "app.kubernetes.io/name": "web", empty: "", "x_y.z": "A-b_c.9" },
            annotations: { "example.com/note": "any text, even spaces: fine" },
        });
        expect(v.podName).to.equal("a".repeat(63));
        expect(v.labels).to.deep.equal({ "app.kubernetes.io/name": "web", empty: "", "x_y.z": "A-b_c.9" });
    });

    it("applies the seed's defaults (the Pod named after the component)", () => {
        expect(validateArgs("d")).to.deep.equal({
            podName: "d",
            workload: "Pod",
            replicas: 1,
            service: false,
            nginxImage: "nginx:latest",
            sidecarImage: "ubuntu:latest",
            security: "baseline",
            resources: {},
            shipper: "cat-loop",
            catLoopPeriodSeconds: 30,
            nativeSidecar: false,
            skipAwait: false,
        });
    });

    it("checks a value that arrives as an Output when it resolves, with the same message, registering no Pod", () => {
        // In a process of its own (tests/helpers/children.ts), as `pulumi up` runs a program.
        const result = lateBad();
        expect(result.thrown, "not thrown: the value was unknown at construction").to.equal(undefined);
        expect(result.rejected).to.contain('WebserverPod "late-bad": invalid args.podName "Not_A_Label"');
        expect(result.registered, "only the component reached the engine").to.deep.equal([
            "webserver-sidecar:index:WebserverPod",
        ]);
    });
});
