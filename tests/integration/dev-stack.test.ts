// The dev stack with the plain Pulumi CLI, as README tells users to run it: `pulumi up` creates
// exactly the seed Pod, which runs on a real node (its containers the runtime's; a request made with
// kubectl exec reaches `kubectl logs` of the sidecar); `pulumi preview` after a config change shows
// the replacement a reviewer must see, in the text the pull request comment carries, and `pulumi up`
// makes it; `pulumi destroy` leaves nothing behind, on the API server or the node.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { SEED as SEED_DEFAULTS } from "../../components/defaults";
import { poll } from "../../scripts/lib/exec";
import { kubectl, objectsIn, Project, report, requestInNginx, requirePrerequisites, ROOT, sh } from "./harness";
import { differences } from "./contains";
import { kwokNode, podDirOnNode, runtimeContainersOf } from "./node";
const { commentBody } = require("../../scripts/ci/preview-comment.js");

const SEED = parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "webserver.yaml"), "utf8"));

describe("integration: the dev stack with the Pulumi CLI (pulumi up, preview, destroy)", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;
    let stored: any;

    before(() => {
        requirePrerequisites();
        project = new Project("dev");
        project.must(["stack", "init", "dev"]);
    });

    // Whatever destroy does, nothing of the test stays in the cluster.
    after(() => project?.tearDown(["dev"], ["pod", "webserver"]));

    it("pulumi up creates the Pod and exports podIp, podStatus Running, readyContainers 2/2", () => {
        const up = project!.must(["up", "--yes", "--stack", "dev"]);
        expect(up.out).to.match(/\+\s+3 created/); // the stack, the component and its Pod
        const outputs = project!.outputs("dev");
        report(`stack outputs: ${JSON.stringify(outputs)}`);
        expect(outputs.podName).to.equal("webserver");
        expect(outputs.workload).to.equal("Pod");
        expect(outputs.podIp).to.match(/^\d{1,3}(\.\d{1,3}){3}$/);
        expect(outputs.podStatus).to.equal("Running");
        expect(outputs.readyContainers).to.equal("2/2");
        const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        expect(pod.status.podIP, "the output is the API server's pod IP").to.equal(outputs.podIp);
    });

    it("the API server holds the seed's spec (kubectl get pod webserver -o yaml)", () => {
        const r = kubectl(["get", "pod", "webserver", "-o", "yaml"]);
        expect(r.code, r.out).to.equal(0);
        stored = parse(r.stdout);
        const seedSpec = SEED.spec;
        expect(stored.metadata.name).to.equal(SEED.metadata.name);
        // The server adds defaults and the service-account token volume; every field of the seed
        // is there with the seed's value, and there is no other container or emptyDir.
        expect(stored.spec.containers.map((c: any) => c.name)).to.deep.equal(
            seedSpec.containers.map((c: any) => c.name),
        );
        for (const want of seedSpec.containers) {
            const got = stored.spec.containers.find((c: any) => c.name === want.name);
            expect(got.image, want.name).to.equal(want.image);
            expect(got.command, want.name).to.deep.equal(want.command);
            expect(got.args, want.name).to.equal(undefined);
            const mounts = got.volumeMounts.filter((m: any) => m.name === "shared-logs");
            expect(mounts, want.name).to.deep.equal(want.volumeMounts);
            expect(got.ports, want.name).to.equal(undefined);
            expect(got.resources, want.name).to.deep.equal({});
        }
        const emptyDirs = stored.spec.volumes.filter((v: any) => v.emptyDir);
        expect(emptyDirs).to.deep.equal(seedSpec.volumes);
        expect(stored.spec.initContainers).to.equal(undefined);
        report(
            `server defaults: restartPolicy ${stored.spec.restartPolicy}, dnsPolicy ${stored.spec.dnsPolicy}, ` +
                `imagePullPolicy ${stored.spec.containers.map((c: any) => c.imagePullPolicy).join("/")}, ` +
                `serviceAccount ${stored.spec.serviceAccountName}, node ${stored.spec.nodeName}`,
        );
        expect(stored.spec.nodeName, "scheduled on a node").to.be.a("string").and.not.equal("");
    });

    it("npm run render (the program under mocks, the CLI's config emulated) declared what the server holds", () => {
        const r = sh("npm", ["run", "-s", "render", "--", "--stack", "dev"], { cwd: ROOT });
        expect(r.code, r.out).to.equal(0);
        const rendered = parseAllDocuments(r.stdout).map((d) => d.toJSON());
        expect(rendered.map((o: any) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(["Pod/webserver"]);
        expect(differences(rendered[0], stored)).to.deep.equal([]);
    });

    it("the Pod runs on a real node: its containers are the runtime's, and a request reaches kubectl logs of the sidecar", async function () {
        this.timeout(5 * 60_000);
        const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        expect(kwokNode(pod.spec.nodeName), `${pod.spec.nodeName} is a real node, not kwok's`).to.equal(false);
        const ids = pod.status.containerStatuses.map((c: any) => `${c.name} ${c.containerID}`);
        const runtime = runtimeContainersOf("default", "webserver");
        report(
            `node ${pod.spec.nodeName}: containers ${ids.join(", ")}; the runtime runs ${runtime.length}: ${runtime.join(", ")}`,
        );
        for (const c of pod.status.containerStatuses) {
            expect(c.containerID, c.name).to.match(/^containerd:\/\/[0-9a-f]{64}$/);
            expect(runtime, `${c.name} runs in the node's runtime`).to.include(
                c.containerID.slice("containerd://".length),
            );
        }
        // A request as README shows it (kubectl exec), then the sidecar's stdout (kubectl logs).
        const missing = `/integration-${Date.now().toString(36)}`;
        expect(requestInNginx("webserver", `http://localhost${missing}`)).to.equal("404");
        const started = Date.now();
        const line = `"GET ${missing} HTTP/1.1" 404`;
        // The seed's sidecar cats both logs every 30 s: the line is in its output within one
        // period after the request (two, to allow for the cat itself and kubectl's read).
        const seen = await poll(
            "the request's access-log line in kubectl logs webserver -c sidecar-container",
            2 * SEED_DEFAULTS.catLoopPeriodSeconds * 1000,
            () => kubectl(["logs", "webserver", "-c", "sidecar-container"]).stdout.includes(line) || undefined,
            500,
        );
        expect(seen).to.equal(true);
        const logs = kubectl(["logs", "webserver", "-c", "sidecar-container"]).stdout;
        report(
            `kubectl logs webserver -c sidecar-container, after ${((Date.now() - started) / 1000).toFixed(1)} s: ${logs.split("\n").find((l) => l.includes(missing))}`,
        );
    });

    it("pulumi preview --diff after an image change shows the Pod replaced, as the PR comment shows it; pulumi up replaces it", () => {
        project!.must(["config", "set", "--stack", "dev", "webserver-sidecar:nginxImage", "nginx:1.28.2"], {
            quiet: true,
        });
        try {
            // The command pulumi/actions runs for preview.yml (command: preview, diff: true).
            const preview = project!.must(["preview", "--diff", "--stack", "dev"]);
            expect(preview.out).to.match(/\+-\s*kubernetes:core\/v1:Pod: \(replace\)/);
            expect(preview.out).to.match(/~\s*image\s*:\s*"nginx:latest"\s*=>\s*"nginx:1\.28\.2"/);
            expect(preview.out).to.match(/\+-1 to replace/);
            const body: string = commentBody({
                stack: "dev",
                note: "state: test",
                output: preview.stdout,
                runUrl: "run",
            });
            expect(body).to.contain("#### `pulumi preview` of stack `dev`");
            expect(body).to.match(/\+-\s*kubernetes:core\/v1:Pod: \(replace\)/);
            expect(body).to.match(/\+-1 to replace/);
            // Above the preview, what a reviewer must know: the Pod and its unshipped lines go.
            expect(body).to.contain("> - Pod `default/webserver`: the running Pod is deleted");
            const uid = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout).metadata.uid;
            project!.must(["up", "--yes", "--stack", "dev"]);
            const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
            expect(pod.spec.containers[0].image).to.equal("nginx:1.28.2");
            expect(pod.metadata.uid, "a new Pod of the same name").to.not.equal(uid);
        } finally {
            project!.must(["config", "set", "--stack", "dev", "webserver-sidecar:nginxImage", "nginx:latest"], {
                quiet: true,
            });
        }
    });

    it("pulumi destroy removes everything it created: from the API server, the node's runtime and its disk", async () => {
        const uid = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout).metadata.uid;
        expect(podDirOnNode(uid), "the Pod's directory on the node while it runs").to.equal(true);
        const destroyed = project!.must(["destroy", "--yes", "--stack", "dev"]);
        expect(destroyed.out).to.match(/-\s+3 deleted/);
        expect(objectsIn("default").filter((o) => o.includes("webserver"))).to.deep.equal([]);
        // The provider waits until the Pod is gone; by then the kubelet has stopped its containers
        // and its sandbox.
        expect(runtimeContainersOf("default", "webserver"), "containers the node still runs").to.deep.equal([]);
        // Its volumes (the emptyDir with the logs, the token) go with the kubelet's next clean-up.
        const gone = await poll(
            "the Pod's directory gone from the node",
            60_000,
            () => (podDirOnNode(uid) ? undefined : true),
            500,
        );
        expect(gone).to.equal(true);
    });
});
