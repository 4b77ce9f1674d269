// The delivery stack (Pulumi.delivery.yaml) and the receiver up.yml runs beside it on kind
// (scripts/receiver-manifest.ts): the agent delivers to the receiver's Service, with the images
// users get -- checked here, where the cluster part cannot run.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { AGENT } from "../../components";
import { RECEIVER_FILE_IN_POD } from "../../scripts/lib/receiverPod";

const ROOT = path.resolve(__dirname, "..", "..");

function objectsOf(script: string, args: string[]): any[] {
    const r = spawnSync(process.execPath, ["-r", "sucrase/register/ts", script, ...args], {
        cwd: ROOT,
        encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
    return parseAllDocuments(r.stdout).map((d) => d.toJS());
}

describe("the delivery stack and its in-cluster receiver (up.yml)", function () {
    this.timeout(60_000);
    const receiver = objectsOf("scripts/receiver-manifest.ts", []);
    const stack = objectsOf("scripts/render.ts", ["--stack", "delivery"]);
    const kind = (objs: any[], k: string) => objs.filter((o) => o.kind === k);

    it("the receiver: a Pod of the agent's own image, and a Service that selects it on the RELP port", () => {
        const [pod] = kind(receiver, "Pod");
        const [service] = kind(receiver, "Service");
        expect(pod.spec.containers.map((c: any) => c.image)).to.deep.equal([AGENT.image]);
        for (const [k, v] of Object.entries(service.spec.selector)) expect(pod.metadata.labels[k]).to.equal(v);
        const port = service.spec.ports[0];
        expect(pod.spec.containers[0].ports.map((p: any) => p.containerPort)).to.include(port.targetPort);
        const conf = kind(receiver, "ConfigMap")[0].data["rsyslog.conf"];
        expect(conf).to.contain(`type="imrelp" port="${port.targetPort}"`);
        expect(conf).to.contain(`file="${RECEIVER_FILE_IN_POD}"`);
    });

    it("the stack's agent delivers to that Service's name and port over RELP, from the agent's image", () => {
        const [service] = kind(receiver, "Service");
        const pod = kind(stack, "Pod")[0];
        const sidecar = pod.spec.containers.find((c: any) => c.name === "sidecar-container");
        expect(sidecar.image).to.equal(AGENT.image);
        const conf = kind(stack, "ConfigMap").find((c: any) => c.metadata.name.includes("agent-conf"));
        expect(conf, "the agent's ConfigMap").to.not.equal(undefined);
        expect(conf.data["rsyslog.conf"]).to.contain(
            `action(type="omrelp" target="${service.metadata.name}" port="${service.spec.ports[0].port}"`,
        );
    });

    it("up.yml applies the receiver, deploys the stack, and reads the receiver's file", () => {
        const up = fs.readFileSync(path.join(ROOT, ".github", "workflows", "up.yml"), "utf8");
        expect(up).to.contain("npm run -s receiver:manifest | kubectl apply -f -");
        expect(up).to.contain("pulumi stack select delivery --create");
        expect(up).to.contain(`cat ${RECEIVER_FILE_IN_POD}`);
        expect(up).to.contain("bash ../scripts/ci/destroy-if-created.sh delivery");
    });
});
