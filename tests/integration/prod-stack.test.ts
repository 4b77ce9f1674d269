// The prod stack through the Automation API (as tests and tools drive Pulumi): a Deployment of two
// replicas over the two nodes, its Service and PodDisruptionBudget, the LogService (VictoriaLogs)
// its log agents deliver to, with its alerting (vmalert) notifying a receiver of the test's; a
// change of nginx's managed
// config previews as a new ConfigMap and a rolling Deployment; then into a namespace where the API
// server enforces the restricted Pod Security Standard, where it goes in and the seed Pod does not.
import { expect } from "chai";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import {
    kubectl,
    logServicePasswords,
    logServiceVolume,
    objectsIn,
    portForward,
    Project,
    rawRequestInNginx,
    report,
    requestInNginx,
    requirePrerequisites,
    ROOT,
    sh,
} from "./harness";
import { KWOK_TOLERATION, kwokNode, processStatus, runtimeContainersOf } from "./node";
import { awaitProgress, poll } from "../../scripts/lib/exec";
import { queryLogsQL } from "../../scripts/lib/victoriaLogs";
import { ALERT_NAMES, uiQueryUrls } from "../../components";
import { IMAGES } from "../../components/defaults";
import { ALERT_RECEIVER, alertReceiverObjects, receivedAlerts } from "../../scripts/lib/alertReceiver";
import { tearDown } from "./teardown";
import { differences } from "./contains";
import { parseAllDocuments } from "yaml";

const RESTRICTED_NS = "webserver-restricted";

/** The closed LogService's passwords (fresh per run): the stack's secret keys. */
const PASSWORDS = logServicePasswords();

/** The LogService's alerting as the test sets it in the stack file: WebserverErrors at 3 5xx, evaluated every 5 s. */
const ALERTING = { threshold: 3, interval: "5s" };

/** Turns the stack file's `logService: true` into a mapping with alerting on, notifying the test's receiver. */
function withAlerting(stackFile: string): void {
    const text = fs.readFileSync(stackFile, "utf8");
    const line = "  webserver-sidecar:logService: true\n";
    expect(text, stackFile).to.contain(line);
    fs.writeFileSync(
        stackFile,
        text.replace(
            line,
            [
                "  webserver-sidecar:logService:",
                "    alerting:",
                `      notifierUrl: http://${ALERT_RECEIVER.name}:${ALERT_RECEIVER.port}`,
                `      errorThreshold: ${ALERTING.threshold}`,
                `      evaluationInterval: ${ALERTING.interval}`,
                "",
            ].join("\n"),
        ),
    );
}

describe("integration: the prod stack through the Automation API", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;
    let stack: Stack | undefined;
    let removeVolume = () => {};
    /** The Deployment's pods after the first pulumi up. */
    let replicas: string[] = [];

    before(async () => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-prod");
        project = new Project("prod");
        withAlerting(path.join(project.dir, "Pulumi.prod.yaml"));
        // The receiver vmalert notifies: nginx (the production preset's image, which the node has)
        // logging each request's body.
        const receiver = path.join(project.root, "alert-receiver.json");
        fs.writeFileSync(
            receiver,
            JSON.stringify({ apiVersion: "v1", kind: "List", items: alertReceiverObjects(IMAGES.nginx) }),
        );
        const applied = kubectl(["apply", "-f", receiver]);
        expect(applied.code, applied.out).to.equal(0);
        // The Automation API finds the pulumi binary on the test process's PATH.
        process.env.PATH = project.env.PATH;
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "prod", workDir: project.dir },
            { envVars: envVarsOf(project.env) },
        );
        // The LogService is closed (the default): its two passwords, secrets as a user sets them.
        for (const [key, password] of Object.entries(PASSWORDS))
            await stack.setConfig(`webserver-sidecar:${key}`, { value: password, secret: true });
    });

    after(async () => {
        if (!project) return;
        const p = project;
        await tearDown(stack, [], () => {
            kubectl([
                "delete",
                "deployment,service,pdb,configmap",
                "-l",
                "app.kubernetes.io/component=web",
                "--ignore-not-found",
            ]);
            kubectl([
                "delete",
                "statefulset,service,secret,configmap,networkpolicy",
                "-l",
                "app.kubernetes.io/name=victoria-logs",
                "--ignore-not-found",
            ]);
            kubectl(["delete", "deployment,configmap", "-l", "app.kubernetes.io/name=vmalert", "--ignore-not-found"]);
        })
            .finally(() => {
                kubectl([
                    "delete",
                    "pod,service,configmap",
                    ALERT_RECEIVER.name,
                    `${ALERT_RECEIVER.name}-conf`,
                    "--ignore-not-found",
                    "--wait=false",
                ]);
            })
            .finally(removeVolume)
            .finally(() => p.dispose());
    });

    it("pulumi up: readyReplicas 2/2 running on the real node, the Service's cluster IP, the PodDisruptionBudget", async () => {
        const result = await stack!.up({ onOutput: (o) => process.stdout.write(o) });
        const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
        report(`stack outputs: ${JSON.stringify(outputs)}`);
        expect(result.summary.result).to.equal("succeeded");
        expect(outputs.workload).to.equal("Deployment");
        expect(outputs.readyReplicas).to.equal("2/2");
        expect(outputs.serviceName).to.equal("webserver");
        const svc = JSON.parse(kubectl(["get", "service", "webserver", "-o", "json"]).stdout);
        expect(outputs.serviceIp)
            .to.equal(svc.spec.clusterIP)
            .and.match(/^10\.96\.\d+\.\d+$/);
        const pdb = JSON.parse(kubectl(["get", "pdb", "webserver", "-o", "json"]).stdout);
        report(
            `PodDisruptionBudget: ${JSON.stringify(pdb.spec)}; status ${JSON.stringify({ allowed: pdb.status?.disruptionsAllowed })}`,
        );
        expect(pdb.spec.minAvailable).to.equal(1);
        expect(pdb.status.disruptionsAllowed, "one of the two may go").to.equal(1);
        const selector = Object.entries<string>(pdb.spec.selector.matchLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(",");
        const pods = JSON.parse(kubectl(["get", "pods", "-l", selector, "-o", "json"]).stdout).items;
        const nodes = pods.map((p: any) => p.spec.nodeName);
        report(
            `pods: ${pods.map((p: any) => `${p.metadata.name} on ${p.spec.nodeName} (${p.status.podIP})`).join(", ")}`,
        );
        expect(pods, "the PodDisruptionBudget selects the Deployment's two pods").to.have.length(2);
        for (const p of pods) expect(p.metadata.labels).to.deep.include({ "app.kubernetes.io/component": "web" });
        // The kwok node is tainted: without a toleration both replicas run on the real node.
        for (const p of pods) {
            expect(kwokNode(p.spec.nodeName), `${p.metadata.name} on a real node`).to.equal(false);
            const running = runtimeContainersOf("default", p.metadata.name);
            report(`${p.metadata.name}: the runtime runs ${running.length} containers (its sandbox, nginx, the agent)`);
            for (const c of p.status.containerStatuses)
                expect(running, `${p.metadata.name}/${c.name}`).to.include(c.containerID.slice("containerd://".length));
        }
        replicas = pods.map((p: any) => p.metadata.name);
        expect(nodes).to.have.length(2);
    });

    it("each replica's agent delivers into the LogService's pod: a request to each, found once through kubectl port-forward with its pod's name", async function () {
        this.timeout(5 * 60_000);
        const run = Date.now().toString(36);
        const paths = Object.fromEntries(replicas.map((pod) => [pod, `/integration-${run}-${pod}`]));
        for (const [pod, p] of Object.entries(paths)) {
            // The restricted profile's nginx listens on 8080 (README: Production options).
            expect(requestInNginx(pod, `http://localhost:8080${p}`)).to.equal("404");
        }
        // README's step: kubectl port-forward svc/logs 9428, then LogsQL over the last hour, as the
        // reader (the LogService is closed, the default).
        const forward = await portForward("svc/logs", 9428);
        const asReader = { ...forward, auth: { username: "reader", password: PASSWORDS.logsReaderPassword } };
        try {
            const found = async () =>
                Object.fromEntries(
                    await Promise.all(
                        Object.entries(paths).map(async ([pod, p]) => [
                            pod,
                            await queryLogsQL(asReader, `_time:1h log:access path:="${p}" | fields pod, status`),
                        ]),
                    ),
                ) as Record<string, Array<Record<string, string>>>;
            const { last, waited } = await awaitProgress(async () => {
                const records = await found();
                const arrived = Object.values(records).filter((r) => r.length > 0).length;
                return { done: arrived === replicas.length, progress: arrived, records };
            });
            // Counted once every request arrived, and again after: a duplicate arriving late shows.
            const records = await found();
            report(`LogsQL through kubectl port-forward after ${waited.toFixed(1)} s: ${JSON.stringify(records)}`);
            expect(Object.keys(last.records)).to.have.members(replicas);
            for (const pod of replicas) expect(records[pod], pod).to.deep.equal([{ pod, status: "404" }]);
        } finally {
            forward.close();
        }
    });

    it("alerting: a burst of 5xx from one replica fires WebserverErrors with its pod and count at the receiver; fewer from the other fire nothing", async function () {
        this.timeout(5 * 60_000);
        const vmalert = JSON.parse(kubectl(["get", "deployment", "logs-vmalert", "-o", "json"]).stdout);
        report(`vmalert: Deployment ${vmalert.status.readyReplicas}/${vmalert.spec.replicas} ready`);
        expect(vmalert.status.readyReplicas).to.equal(1);
        const [burst, few] = replicas;
        const run = Date.now().toString(36);
        // 505s: a request line of HTTP/3.0, which curl will not send; the production preset's nginx on 8080.
        const statuses = [
            ...[1, 2, 3, 4].map((i) => rawRequestInNginx(burst, `GET /alert-${run}-${i} HTTP/3.0`, 8080)),
            ...[1, 2].map((i) => rawRequestInNginx(few, `GET /alert-${run}-${i} HTTP/3.0`, 8080)),
        ];
        expect(statuses).to.deep.equal([505, 505, 505, 505, 505, 505]);
        const started = Date.now();
        const posts = () => receivedAlerts(kubectl(["logs", ALERT_RECEIVER.name]).stdout);
        const errorsOf = (p: ReturnType<typeof posts>) =>
            p.flat().filter((a) => a.labels.alertname === ALERT_NAMES.errors);
        const fired = `pod default/${burst} answered 4 requests with 5xx in the last 300s`;
        // Bounded waits for events: the agent's delivery, then an evaluation (every 5 s) and its post.
        await poll(
            `${ALERT_NAMES.errors} for ${burst} with its 4 5xx at the receiver`,
            180_000,
            () => (errorsOf(posts()).some((a) => a.annotations.summary === fired) ? true : undefined),
            1000,
        );
        const waited = (Date.now() - started) / 1000;
        // Counted again after two more posts (evaluations every 5 s): nothing more, nothing for the other replica.
        const seenAt = posts().length;
        await poll(
            "two more posts from vmalert",
            60_000,
            () => (posts().length >= seenAt + 2 ? true : undefined),
            1000,
        );
        const all = errorsOf(posts());
        const summaries = [...new Set(all.map((a) => a.annotations.summary))];
        report(
            `receiver after ${((Date.now() - started) / 1000).toFixed(1)} s (${waited.toFixed(1)} s to the alert): ${posts().length} posts; ${ALERT_NAMES.errors}: ${JSON.stringify(summaries)}`,
        );
        expect(new Set(all.map((a) => a.labels.pod))).to.deep.equal(new Set([burst]));
        // The alert may first fire on 3 of the 4 (the agent's batches); never on more than were made.
        for (const s of summaries)
            expect(s).to.match(new RegExp(`^pod default/${burst} answered [34] requests with 5xx in the last 300s$`));
        expect(all[all.length - 1].annotations.summary).to.equal(fired);
    });

    it("the LogService: its StatefulSet ready on its claim, its outputs, and the agents' destination its bulk API", async () => {
        const outputs = Object.fromEntries(Object.entries(await stack!.outputs()).map(([k, v]) => [k, v.value]));
        const sts = JSON.parse(kubectl(["get", "statefulset", "logs", "-o", "json"]).stdout);
        const pvc = JSON.parse(kubectl(["get", "pvc", "storage-logs-0", "-o", "json"]).stdout);
        const pod = JSON.parse(kubectl(["get", "pod", "logs-0", "-o", "json"]).stdout);
        report(
            `LogService: StatefulSet ${sts.status.readyReplicas}/${sts.spec.replicas} ready, claim ${pvc.status.phase} to ${pvc.spec.volumeName}, pod on ${pod.spec.nodeName}; outputs ${JSON.stringify({ logServiceName: outputs.logServiceName, logServiceUrl: outputs.logServiceUrl, logServiceBulkUrl: outputs.logServiceBulkUrl })}`,
        );
        expect(sts.status.readyReplicas).to.equal(1);
        expect(pvc.status.phase).to.equal("Bound");
        expect(outputs.logServiceName).to.equal("logs");
        // No namespace given: the bare name, which the webserver's pods resolve in their namespace.
        expect(outputs.logServiceUrl).to.equal("http://logs:9428/select/vmui/");
        // The ready questions, on the address `kubectl port-forward svc/logs 9428` opens.
        expect(outputs.logServiceQueries).to.deep.equal(uiQueryUrls("http://localhost:9428/select/vmui/"));
        // Closed (the default): said so, with the reader's Secret to sign in with.
        expect(outputs.logServiceAccess).to.equal("closed");
        expect(outputs.logServiceReaderSecret).to.equal("logs-reader");
        expect(outputs.logServiceBulkUrl).to.match(/^http:\/\/logs:9428\/insert\/elasticsearch\?_msg_field=message&/);
        // Every pod's log agent posts to it: the ConfigMap the Deployment mounts says so.
        const deployment = JSON.parse(kubectl(["get", "deployment", "webserver", "-o", "json"]).stdout);
        const confName = deployment.spec.template.spec.volumes.find((v: any) => v.name === "agent-conf").configMap.name;
        const conf = JSON.parse(kubectl(["get", "configmap", confName, "-o", "json"]).stdout).data["rsyslog.conf"];
        expect(conf).to.contain('type="omelasticsearch" server="http://logs:9428/insert/elasticsearch"');
        // ... and nginx writes JSON, with the downward API's fields in the agent's environment, and
        // the ingest user's credentials from the LogService's Secret.
        const agent = deployment.spec.template.spec.containers.find((c: any) => c.name === "sidecar-container");
        expect(agent.env.map((e: any) => e.name)).to.deep.equal([
            "POD_NAMESPACE",
            "POD_NAME",
            "NODE_NAME",
            "ES_USERNAME",
            "ES_PASSWORD",
            "BULK_CHECK_URL",
        ]);
        expect(agent.env[4].valueFrom.secretKeyRef).to.deep.equal({ name: "logs-ingest", key: "password" });
    });

    it("npm run render declared exactly the objects the API server holds, field by field", () => {
        const r = sh("npm", ["run", "-s", "render", "--", "--stack", "prod"], { cwd: ROOT });
        expect(r.code, r.out).to.equal(0);
        const rendered = parseAllDocuments(r.stdout).map((d) => d.toJSON());
        report(`render: ${rendered.map((o: any) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
        expect(rendered.length).to.be.greaterThan(2);
        for (const o of rendered) {
            const got = kubectl(["get", `${o.kind.toLowerCase()}/${o.metadata.name}`, "-o", "json"]);
            expect(got.code, got.out).to.equal(0);
            const live = JSON.parse(got.stdout);
            if (o.kind === "Secret") {
                // The server keeps stringData as data. The password is the stack's (a secret the offline
                // render cannot read, so it renders one of its own): compared with the one the test set.
                const { stringData, ...rest } = o;
                expect(differences(rest, live), `${o.kind}/${o.metadata.name}`).to.deep.equal([]);
                const data = (k: string) => Buffer.from(live.data[k], "base64").toString();
                expect(data("username"), o.metadata.name).to.equal(stringData.username);
                expect(data("password"), o.metadata.name).to.equal(
                    o.metadata.name === "logs-ingest" ? PASSWORDS.logsIngestPassword : PASSWORDS.logsReaderPassword,
                );
                continue;
            }
            expect(differences(o, live), `${o.kind}/${o.metadata.name}`).to.deep.equal([]);
        }
    });

    it("pulumi preview after an image change: the Deployment rolls in place, nothing is replaced", async () => {
        await stack!.setConfig("webserver-sidecar:nginxImage", { value: "nginx:1.27.5" });
        try {
            // What preview.yml's pulumi/actions step runs: command preview, diff true.
            const preview = await stack!.preview({ diff: true });
            report(preview.stdout);
            expect(preview.stdout).to.match(/~\s*kubernetes:apps\/v1:Deployment: \(update\)/);
            expect(preview.stdout).to.match(/~\s*image\s*:\s*"nginx:[^"]+"\s*=>\s*"nginx:1\.27\.5"/);
            expect(preview.stdout).to.not.match(/\(replace\)/);
            expect(preview.changeSummary.update).to.equal(1);
        } finally {
            await stack!.removeConfig("webserver-sidecar:nginxImage");
        }
    });

    it("with a toleration of the kwok node the replicas spread over both nodes (the one on kwok is kwok's report)", async () => {
        await stack!.setConfig("webserver-sidecar:tolerations", { value: JSON.stringify([KWOK_TOLERATION]) });
        try {
            const result = await stack!.up({ onOutput: (o) => process.stdout.write(o) });
            expect(result.outputs.readyReplicas.value).to.equal("2/2");
            const pods = JSON.parse(
                kubectl(["get", "pods", "-l", "app.kubernetes.io/instance=webserver", "-o", "json"]).stdout,
            ).items.filter((p: any) => !p.metadata.deletionTimestamp);
            const where = pods.map(
                (p: any) =>
                    `${p.metadata.name} on ${p.spec.nodeName}${kwokNode(p.spec.nodeName) ? " (kwok: reported Ready, nothing runs)" : ""}`,
            );
            report(`after the rollout: ${where.join(", ")}`);
            expect(new Set(pods.map((p: any) => p.spec.nodeName)).size, "one replica per node").to.equal(2);
            // Here one of them is on the kwok node (nothing runs there); kind has two real workers.
            const kwokNodes = JSON.parse(kubectl(["get", "nodes", "-o", "json"]).stdout).items.filter((n: any) =>
                kwokNode(n.metadata.name),
            ).length;
            expect(pods.filter((p: any) => kwokNode(p.spec.nodeName))).to.have.length(Math.min(kwokNodes, 1));
            const pdb = JSON.parse(kubectl(["get", "pdb", "webserver", "-o", "json"]).stdout);
            expect(pdb.status.disruptionsAllowed, "one of the two may go").to.equal(1);
        } finally {
            await stack!.removeConfig("webserver-sidecar:tolerations");
        }
    });

    it("pulumi destroy leaves no object behind", async () => {
        const result = await stack!.destroy({ onOutput: (o) => process.stdout.write(o) });
        expect(result.summary.result).to.equal("succeeded");
        expect(objectsIn("default").filter((o) => o.includes("webserver"))).to.deep.equal([]);
    });
});

describe("integration: admission by the API server (Pod Security Standards, restricted)", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;

    let removeVolume = () => {};

    before(() => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-admission", RESTRICTED_NS);
        project = new Project("admission");
        kubectl(["create", "namespace", RESTRICTED_NS]);
        const label = kubectl([
            "label",
            "--overwrite",
            "namespace",
            RESTRICTED_NS,
            "pod-security.kubernetes.io/enforce=restricted",
        ]);
        expect(label.code, label.out).to.equal(0);
    });

    after(() => {
        project?.tearDown(["dev", "prod"]);
        removeVolume();
        kubectl(["delete", "namespace", RESTRICTED_NS, "--ignore-not-found", "--wait=false"]);
    });

    it("the prod stack goes in", () => {
        project!.must(["stack", "init", "prod"], { quiet: true });
        project!.must(["config", "set", "--stack", "prod", "webserver-sidecar:namespace", RESTRICTED_NS], {
            quiet: true,
        });
        project!.setSecrets("prod", PASSWORDS, "webserver-sidecar");
        project!.must(["up", "--yes", "--stack", "prod"]);
        expect(project!.outputs("prod").readyReplicas).to.equal("2/2");
        expect(objectsIn(RESTRICTED_NS, "deployments")).to.deep.equal(["deployment.apps/webserver"]);
        // The LogService runs under the restricted profile too, vmauth in front of it (closed, the default).
        expect(objectsIn(RESTRICTED_NS, "pods").filter((p) => p === "pod/logs-0")).to.deep.equal(["pod/logs-0"]);
        const logs = JSON.parse(kubectl(["get", "pod", "logs-0", "-n", RESTRICTED_NS, "-o", "json"]).stdout);
        expect(logs.spec.containers.map((c: any) => c.name)).to.deep.equal(["vmauth", "victoria-logs"]);
    });

    it("its pods run under the kubelet's own checks: uid 101, no capability, seccomp on, a read-only root", () => {
        const pods = JSON.parse(
            kubectl(["get", "pods", "-n", RESTRICTED_NS, "-l", "app.kubernetes.io/instance=webserver", "-o", "json"])
                .stdout,
        ).items;
        expect(pods).to.have.length(2);
        for (const pod of pods) {
            expect(kwokNode(pod.spec.nodeName), `${pod.metadata.name} on a real node`).to.equal(false);
            for (const container of ["nginx-container", "sidecar-container"]) {
                const status = processStatus(pod.metadata.name, container, RESTRICTED_NS);
                expect(status).to.match(/^Uid:\s+101\s+101\s+101\s+101$/m);
                expect(status).to.match(/^CapEff:\s+0000000000000000$/m);
                expect(status, "seccomp filter mode").to.match(/^Seccomp:\s+2$/m);
                expect(status).to.match(/Read-only file system/);
            }
        }
    });

    it("the seed Pod is refused, and pulumi up shows the API server's reason", () => {
        project!.must(["stack", "init", "dev"], { quiet: true });
        project!.must(["config", "set", "--stack", "dev", "webserver-sidecar:namespace", RESTRICTED_NS], {
            quiet: true,
        });
        const up = project!.pulumi(["up", "--yes", "--stack", "dev"]);
        expect(up.code).to.not.equal(0);
        expect(up.out).to.match(/violates PodSecurity "restricted:latest"/);
        expect(up.out).to.match(/allowPrivilegeEscalation != false/);
        expect(objectsIn(RESTRICTED_NS, "pods").filter((p) => p === "pod/webserver")).to.deep.equal([]);
    });
});

function envVarsOf(env: NodeJS.ProcessEnv): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
    return out;
}
