// A closed LogService on the real node (#34): the program's stack with `logService: { access: {} }`
// and its two passwords as secret keys; `pulumi up`; then vmauth in front of VictoriaLogs in its
// pod, the agents delivering as the ingest user, the developer asking as the reader through
// `npm run logs` (the stack's outputs, the reader Secret read with kubectl), every other request
// refused -- and neither password anywhere but in the Secrets. The real node enforces NetworkPolicies
// (kube-network-policies, scripts/node.sh): a pod without the agents' label gets no connection at
// all, the same pod labelled as an agent does.
import { expect } from "chai";
import { randomBytes } from "crypto";
import { IMAGES } from "../../components/defaults";
import { poll } from "../../scripts/lib/exec";
import { awaitProgress } from "../../scripts/lib/exec";
import { queryLogsQL } from "../../scripts/lib/victoriaLogs";
import {
    curlFrom,
    kubectl,
    logsRecords,
    logServiceVolume,
    portForward,
    Project,
    rawRequestInNginx,
    report,
    requestInNginx,
    requirePrerequisites,
} from "./harness";
import { kwokNode } from "./node";

/** A status code from curl in the webserver's nginx container: `args` are curl's, after -s -o /dev/null. */
function curlInNginx(args: string[]): string {
    const r = kubectl([
        "exec",
        "webserver",
        "-c",
        "nginx-container",
        "--",
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        ...args,
    ]);
    if (r.code !== 0) throw new Error(`curl ${args.join(" ")} in the webserver's nginx: ${r.out}`);
    return r.stdout.trim();
}

describe("integration: a closed LogService (pulumi up, the real node)", function () {
    this.timeout(20 * 60_000);
    // Fresh per run: what is found anywhere but in the Secrets came from this run.
    const passwords = {
        ingest: `ingest-${randomBytes(12).toString("hex")}`,
        reader: `reader-${randomBytes(12).toString("hex")}`,
    };
    let project: Project | undefined;
    let removeVolume = () => {};

    before(() => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-closed");
        project = new Project("logservice-closed");
        project.must(["stack", "init", "dev"], { quiet: true });
        project.must(["config", "set", "--stack", "dev", "webserver-sidecar:logService", '{"access":{}}'], {
            quiet: true,
        });
        // As a user sets them: secrets, never printed (the harness prints the command, quiet hides its output).
        project.setSecrets(
            "dev",
            { logsIngestPassword: passwords.ingest, logsReaderPassword: passwords.reader },
            "webserver-sidecar",
        );
        project.must(["up", "--yes", "--stack", "dev"]);
    });

    after(() => {
        try {
            project?.tearDown(
                ["dev"],
                [
                    "pod/webserver",
                    "statefulset/logs",
                    "service/logs",
                    "secret/logs-ingest",
                    "secret/logs-reader",
                    "networkpolicy/logs",
                ],
            );
        } finally {
            removeVolume();
        }
    });

    it("vmauth in front of VictoriaLogs on the real node; the agent's pod labelled; the stack says closed and names the reader Secret", () => {
        const outputs = project!.outputs("dev");
        report(
            `outputs: logServiceAccess ${outputs.logServiceAccess}, logServiceReaderSecret ${outputs.logServiceReaderSecret}`,
        );
        expect(outputs).to.deep.include({
            logServiceAccess: "closed",
            logServiceReaderSecret: "logs-reader",
            logServiceLogin:
                "user reader; password: kubectl get secret logs-reader -o jsonpath='{.data.password}' | base64 -d",
        });
        const pod = JSON.parse(kubectl(["get", "pod", "logs-0", "-o", "json"]).stdout);
        expect(kwokNode(pod.spec.nodeName), "on the real node").to.equal(false);
        expect(pod.spec.containers.map((c: any) => c.name)).to.deep.equal(["vmauth", "victoria-logs"]);
        expect(
            pod.status.containerStatuses.every((c: any) => c.ready),
            JSON.stringify(pod.status.containerStatuses),
        ).to.equal(true);
        const web = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        expect(web.metadata.labels).to.deep.include({ "webserver-sidecar/log-agent": "true" });
        const np = JSON.parse(kubectl(["get", "networkpolicy", "logs", "-o", "json"]).stdout);
        expect(np.spec.podSelector.matchLabels).to.deep.equal({
            "app.kubernetes.io/name": "victoria-logs",
            "app.kubernetes.io/instance": "logs",
        });
        expect(np.spec.ingress[0].from).to.deep.equal([
            { podSelector: { matchLabels: { "webserver-sidecar/log-agent": "true" } } },
        ]);
    });

    it("neither password is in any object but the two Secrets, nor in the stack's outputs", () => {
        const objects = kubectl(["get", "pods,statefulsets,configmaps,services,networkpolicies", "-o", "json"]).stdout;
        expect(objects.length).to.be.greaterThan(1000);
        for (const p of Object.values(passwords)) expect(objects).to.not.contain(p);
        const secret = JSON.parse(kubectl(["get", "secret", "logs-ingest", "-o", "json"]).stdout);
        expect(secret.type).to.equal("kubernetes.io/basic-auth");
        expect(Buffer.from(secret.data.password, "base64").toString()).to.equal(passwords.ingest);
        const outputs = project!.must(["stack", "output", "--json", "--stack", "dev"], { quiet: true }).stdout;
        for (const p of Object.values(passwords)) expect(outputs).to.not.contain(p);
    });

    it("from a pod: no credentials, a wrong password, the reader inserting -- refused; the ingest user inserts", () => {
        const bulk = "http://logs:9428/insert/elasticsearch/_bulk?_msg_field=message&_time_field=@timestamp";
        const body = (m: string) => `{"create":{}}\n{"@timestamp":"${new Date().toISOString()}","message":"${m}"}\n`;
        const post = (m: string, user?: string) => [
            "-X",
            "POST",
            "-H",
            "Content-Type: application/x-ndjson",
            "--data-binary",
            body(m),
            ...(user ? ["-u", user] : []),
            bulk,
        ];
        const statuses = {
            none: curlInNginx(post("closed-none")),
            wrong: curlInNginx(post("closed-wrong", "ingest:not-the-password")),
            reader: curlInNginx(post("closed-reader", `reader:${passwords.reader}`)),
        };
        report(`inserts from the webserver's pod: ${JSON.stringify(statuses)}`);
        expect(statuses).to.deep.equal({ none: "401", wrong: "401", reader: "400" });
        // (The credentials in curl's argv here are the test's, in its own exec; the agent never does this.)
        expect(curlInNginx(post("closed-ingest", `ingest:${passwords.ingest}`))).to.equal("200");
    });

    it("the agent delivers as the ingest user; the developer reads as the reader (npm run logs); the port without credentials answers 401", async function () {
        this.timeout(5 * 60_000);
        const p = `/closed-${Date.now().toString(36)}`;
        expect(requestInNginx("webserver", `http://localhost:80${p}`)).to.equal("404");
        expect(rawRequestInNginx("webserver", `GET ${p}-x HTTP/3.0`, 80)).to.equal(505);
        let r: ReturnType<typeof logsRecords> | undefined;
        const found = () => (r = logsRecords(project!, ["--since", "1h", `path:="${p}"`])).records;
        await awaitProgress(async () => {
            const f = found();
            return { done: f.length > 0, progress: f.length };
        });
        const records = found();
        report(
            `npm run logs (as the reader): ${r!.stderr.trim()} ${JSON.stringify(records.map((x) => [x.pod, x.status, x.path]))}`,
        );
        expect(r!.status, r!.stderr).to.equal(0);
        expect(records.map((x) => [x.pod, x.status, x.path])).to.deep.equal([["webserver", "404", p]]);
        // Through the Service's port: without credentials nothing; the ingest user reads nothing.
        const forward = await portForward("svc/logs", 9428);
        try {
            const refused = async (at: Parameters<typeof queryLogsQL>[0]) =>
                queryLogsQL(at, "_time:1h").then(
                    () => "answered",
                    (e: Error) => e.message.trim(),
                );
            const none = await refused(forward);
            const ingest = await refused({ ...forward, auth: { username: "ingest", password: passwords.ingest } });
            report(`the port, no credentials: ${none}; as ingest: ${ingest}`);
            expect(none).to.match(/HTTP 401/);
            expect(ingest).to.match(/HTTP 400: user ingest missing route/);
        } finally {
            forward.close();
        }
    });

    it("the NetworkPolicy, enforced by the node: a pod without the agents' label gets no connection; labelled as an agent it does (then its credentials decide)", async function () {
        this.timeout(5 * 60_000);
        const probe = "netpol-probe";
        // A pod of the webserver's image (it has curl), not labelled as a log agent.
        const run = kubectl([
            "run",
            probe,
            `--image=${IMAGES.nginx}`,
            "--image-pull-policy=IfNotPresent",
            "--labels=app.kubernetes.io/name=netpol-probe",
            "--restart=Never",
        ]);
        expect(run.code, run.out).to.equal(0);
        try {
            const ready = kubectl(["wait", "--for=condition=Ready", `pod/${probe}`, "--timeout=120s"]);
            expect(ready.code, ready.out).to.equal(0);
            const health = () => curlFrom(probe, "http://logs:9428/health");
            // The webserver's pod (an agent) reaches the same path: the policy, not the service, refuses.
            expect(curlInNginx(["-m", "5", "http://logs:9428/health"])).to.equal("200");
            const unlabelled = health();
            report(`${probe}, not an agent: ${unlabelled}`);
            expect(unlabelled).to.equal("exit 28, status 000");
            const label = kubectl(["label", "pod", probe, "webserver-sidecar/log-agent=true"]);
            expect(label.code, label.out).to.equal(0);
            // The enforcer reads the label from the API server: the first connection after it arrives passes.
            const admitted = await poll(
                `${probe}, labelled an agent, reaching the LogService`,
                60_000,
                () => {
                    const h = health();
                    return h === "exit 0, status 200" ? h : undefined;
                },
                500,
            );
            report(`${probe}, labelled an agent: ${admitted}`);
        } finally {
            kubectl(["delete", "pod", probe, "--ignore-not-found", "--wait=false"]);
        }
    });
});
