// up.yml's "Verify like a user" step (prod stack) runs only on GitHub, against kind. Its LogsQL
// queries, the jq checks of their answers and the loop around them run here, as its own text,
// with `kubectl` and `pulumi` stood in for: the LogService is closed, as the prod stack's is, so a
// real VictoriaLogs (built from its Go module) sits behind vmauth with the component's config; each
// "pod" is the log agent as a plain process delivering through vmauth as the ingest user; a
// request appends the records nginx would write for it; `kubectl port-forward` is a TCP relay to
// vmauth and `kubectl get secret` answers the reader's password. A wrong field name, a query
// VictoriaLogs refuses, credentials vmauth refuses or a jq check that does not fit its answer
// fails here first.
import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { AGENT } from "../../components";
import { LOG_SERVICE_ACCESS } from "../../components/defaults";
import { accessNames } from "../../components/logService/access";
import { freePort } from "../../scripts/lib/syslogReceiver";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { VmauthProcess } from "../../scripts/lib/vmauth";
import { accessRecordOf, AgentProcess, bulkTargetOf, RECORD_ENV } from "./agentHarness";

const ROOT = path.resolve(__dirname, "..", "..");
const PODS = ["webserver-7d9f-abcde", "webserver-7d9f-fghij"];
const PASSWORDS = { ingest: "ingest-up-verify-0123456789", reader: "reader-up-verify-0123456789" };

/** The run script of up.yml's step whose name starts with `prefix`, and the environment GitHub gives it (workflow, job and step `env`; expressions left out). */
function upStep(prefix: string): { run: string; env: Record<string, string> } {
    const wf = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "up.yml"), "utf8"));
    const plain = (env: Record<string, unknown> = {}) =>
        Object.fromEntries(
            Object.entries(env)
                .filter(([, v]) => !String(v).includes("${{"))
                .map(([k, v]) => [k, String(v)]),
        );
    for (const job of Object.values<any>(wf.jobs))
        for (const step of job.steps ?? [])
            if (String(step.name ?? "").startsWith(prefix))
                return { run: step.run, env: { ...plain(wf.env), ...plain(job.env), ...plain(step.env) } };
    throw new Error(`up.yml has no step named "${prefix}..."`);
}

/** An access record of a 404 as nginx writes it, NOW and PATH standing for its time and path. */
const ACCESS_TEMPLATE = accessRecordOf({
    "@timestamp": "NOW",
    message: "GET PATH HTTP/1.1 404",
    client: "127.0.0.1",
    path: "PATH",
    status: 404,
    bytes: 153,
    request_time: 0,
    user_agent: "curl/8.5.0",
});

/** kubectl and pulumi as the step calls them, answering for the given pods' log dirs, this vmauth and the reader's password. */
function fakeBin(dirs: Record<string, string>, auth: VmauthProcess, readerPassword: string): string {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "up-verify-bin-"));
    const podDir = Object.entries(dirs)
        .map(([pod, dir]) => `${pod}) dir=${dir} ;;`)
        .join(" ");
    const kubectl = `#!/usr/bin/env bash
set -euo pipefail
args="$*"
case "$1" in
  rollout) exit 0 ;;
  port-forward)
    # kubectl port-forward svc/logs LOCAL:9428: a TCP relay from LOCAL to vmauth, until killed.
    exec node -e 'const net = require("net");
      net.createServer((c) => { const u = net.connect(${auth.port}, "127.0.0.1"); c.pipe(u).pipe(c); u.on("error", () => c.destroy()); c.on("error", () => u.destroy()); })
        .listen(Number(process.argv[1]), "127.0.0.1");' "\${3%%:*}" ;;
  get)
    case "$args" in
      get\\ secret\\ ${accessNames("logs").reader}\\ *) printf '%s' '${Buffer.from(readerPassword).toString("base64")}'; exit 0 ;;
      *-o\\ wide*) echo "NAME NODE"; exit 0 ;;
      *spec.nodeName*) printf 'worker\\nworker2\\n'; exit 0 ;;
      *metadata.name*) printf '%s ' ${PODS.join(" ")}; exit 0 ;;
    esac ;;
  exec)
    # kubectl exec POD -c nginx-container -- curl -s -o /dev/null -w '%{http_code}' URL
    pod=$2; url=\${@: -1}; p=/\${url#http://*/}
    case "$pod" in ${podDir} *) echo "no pod $pod" >&2; exit 1 ;; esac
    now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
    rec='${ACCESS_TEMPLATE}'
    rec=\${rec//PATH/$p}; printf '%s\\n' "\${rec//NOW/$now}" >>"$dir/access.log"
    printf '%s [error] 29#29: *1 open() "/usr/share/nginx/html%s" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, request: "GET %s HTTP/1.1", host: "localhost:8080"\\n' "$(date -u +%Y/%m/%d\\ %H:%M:%S)" "$p" "$p" >>"$dir/error.log"
    printf 404; exit 0 ;;
  run)
    # kubectl run svc-check ... -- curl ... http://webserver/: the webserver's Service answers.
    [ "\${@: -1}" = http://webserver/ ] && { printf 200; exit 0; } ;;
esac
echo "unexpected: kubectl $args" >&2; exit 1
`;
    fs.writeFileSync(path.join(bin, "kubectl"), kubectl, { mode: 0o755 });
    fs.writeFileSync(
        path.join(bin, "pulumi"),
        `#!/bin/sh\necho '${JSON.stringify({
            readyReplicas: "2/2",
            serviceName: "webserver",
            logServiceName: "logs",
            logServiceAccess: "closed",
            logServiceReaderSecret: accessNames("logs").reader,
        })}'\n`,
        { mode: 0o755 },
    );
    // The step waits 2 s between queries; the answer is what is checked, not the wait.
    fs.writeFileSync(path.join(bin, "sleep"), `#!/bin/sh\nexec /bin/sleep 0.2\n`, { mode: 0o755 });
    return bin;
}

function runStep(
    step: { run: string; env: Record<string, string> },
    bin: string,
    cwd: string,
    localPort: number,
): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const child = spawn("bash", ["-e", "-c", step.run], {
            cwd,
            env: {
                ...process.env,
                ...step.env,
                PATH: `${bin}:${process.env.PATH}`,
                GITHUB_RUN_ID: "4242",
                // The runner's port the step forwards: a free one here (the workflow's own is fixed).
                LOGS_LOCAL_PORT: String(localPort),
            },
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => resolve({ code, out }));
    });
}

describe("up.yml's prod check (its LogsQL queries and jq checks, against a real VictoriaLogs behind vmauth)", function () {
    this.timeout(5 * 60_000);
    let vl: VictoriaLogsProcess | undefined;
    let auth: VmauthProcess | undefined;
    const agents: AgentProcess[] = [];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "up-verify-"));
    afterEach(async () => {
        for (const a of agents.splice(0)) await a.dispose();
        if (auth) await auth.stop();
        if (vl) await vl.stop();
        auth = vl = undefined;
    });
    after(() => fs.rmSync(work, { recursive: true, force: true }));
    before(() => {
        if (spawnSync("jq", ["--version"]).status !== 0)
            throw new Error("jq is needed (up.yml's checks use it): sudo apt-get install -y jq");
    });

    /**
     * Both pods' agents, each labelling its records with `labelOf(pod)`, delivering through vmauth as
     * the ingest user; the step run against them, the reader's Secret holding `readerPassword`.
     */
    async function verify(labelOf: (pod: string) => string, readerPassword = PASSWORDS.reader) {
        vl = await VictoriaLogsProcess.start();
        auth = await VmauthProcess.start(vl, PASSWORDS);
        const ingest = {
            [AGENT.basicAuthEnv.username]: LOG_SERVICE_ACCESS.ingestUser,
            [AGENT.basicAuthEnv.password]: PASSWORDS.ingest,
        };
        const dirs: Record<string, string> = {};
        for (const pod of PODS) {
            const a = new AgentProcess(bulkTargetOf(auth, accessNames("logs").ingest), {
                env: { ...RECORD_ENV, ...ingest, POD_NAME: labelOf(pod) },
            });
            agents.push(a.start());
            // nginx creates its logs at start; the agent follows them from there.
            for (const f of ["access.log", "error.log"]) fs.writeFileSync(a.file(f), "");
            dirs[pod] = a.dir;
        }
        const r = await runStep(
            upStep("Verify like a user"),
            fakeBin(dirs, auth, readerPassword),
            work,
            await freePort(),
        );
        console.log(`      [up-verify] exit ${r.code}; ${r.out.trim().split("\n").slice(-4).join(" | ")}`);
        return r;
    }

    it("passes when each pod's request is stored once, with its status and its own pod's name", async () => {
        const r = await verify((pod) => pod);
        expect(r.code, r.out).to.equal(0);
        for (const pod of PODS) expect(r.out).to.match(new RegExp(`${pod}: \\{.*"pod":"${pod}".*"status":"404"`));
    });

    it("fails when the reader's Secret holds another password: vmauth refuses every query, none is counted as found", async () => {
        const r = await verify((pod) => pod, "not-the-reader-password-000");
        expect(r.code, r.out).to.not.equal(0);
        // Each query refused (curl -f: nothing read), so the first pod's count is 0, not 1.
        expect(r.out).to.match(new RegExp(`^${PODS[0]}: $`, "m"));
        expect(r.out).to.not.match(new RegExp(`${PODS[0]}: \\{`));
    });

    it("fails when the records carry another pod's name, at the jq check of the pod's name", async () => {
        const r = await verify((pod) => `${pod}-other`);
        expect(r.code, r.out).to.not.equal(0);
        // The record was found (once), and the check that failed is the one comparing its pod.
        expect(r.out).to.match(new RegExp(`${PODS[0]}: \\{.*"pod":"${PODS[0]}-other".*\\}\\nfalse\\s*$`));
    });
});
