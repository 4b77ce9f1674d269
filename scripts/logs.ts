// npm run logs -- [--stack NAME] [--since 24h] [--pod NAME] [--status 5xx|404|>=400] [--path /p[*]]
//                 [--request-id ID] [--log access|error] [--follow] [--json] [--limit N]
//                 [--url http://HOST:PORT | --service NAME [--namespace NS]] [LogsQL ...]
// The developer's side of the LogService: finds the stack's LogService (its outputs), forwards a
// local port to it with kubectl, and answers with the records, oldest first, as an aligned table
// (or JSON lines); --follow tails them live. docs/delivery.md, "Find a bug in the last 24 hours".
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { spawnSync } from "child_process";
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { LogsQuestion, logsQL, logsTable } from "./lib/logsQuery";
import { Forward, portForward } from "./lib/portForward";
import { PROJECT_DIR } from "./lib/render";

/** VictoriaLogs' HTTP port (components/defaults.ts LOG_SERVICE), which its Service exposes. */
const LOG_SERVICE_PORT = 9428;

/** Where to ask: the LogService's Service (forwarded to with kubectl) or an address given. */
type Target = { url: string } | { service: string; namespace?: string };

/**
 * The stack's LogService from its outputs (`logServiceName`, `namespace`): `pulumi stack output` in
 * the program's directory -- the one this is run in when it holds a Pulumi.yaml, else program/ (npm
 * runs scripts from the repository's root).
 */
function stackLogService(stack: string): Target {
    const cwd = fs.existsSync(path.join(process.cwd(), "Pulumi.yaml")) ? process.cwd() : PROJECT_DIR;
    const r = spawnSync("pulumi", ["stack", "output", "--json", "--stack", stack], { encoding: "utf8", cwd });
    if (r.error) throw new Error(`pulumi stack output: ${r.error.message} (is the Pulumi CLI on PATH? npm run tools)`);
    if (r.status !== 0) throw new Error(`pulumi stack output --stack ${stack}: ${(r.stderr || r.stdout).trim()}`);
    const outputs = JSON.parse(r.stdout || "{}");
    if (typeof outputs.logServiceName !== "string")
        throw new Error(
            `stack ${stack} has no LogService (no logServiceName output): deploy one with \`pulumi config set logService true\` and \`pulumi up\`, or name a service with --url or --service`,
        );
    return { service: outputs.logServiceName, namespace: outputs.namespace };
}

/** A POST to the LogService's API; `onLine` gets each line of the answer as it arrives. */
function post(base: URL, path: string, form: Record<string, string>, onLine: (line: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: base.hostname,
                port: base.port,
                path,
                method: "POST",
                headers: { "content-type": "application/x-www-form-urlencoded" },
            },
            (res) => {
                let pending = "";
                res.setEncoding("utf8");
                if (res.statusCode !== 200) {
                    res.on("data", (d) => (pending += d));
                    res.on("end", () =>
                        reject(new Error(`the LogService answered HTTP ${res.statusCode}: ${pending.trim()}`)),
                    );
                    return;
                }
                res.on("data", (d: string) => {
                    pending += d;
                    const lines = pending.split("\n");
                    pending = lines.pop()!;
                    for (const l of lines) if (l.trim()) onLine(l);
                });
                res.on("end", () => {
                    if (pending.trim()) onLine(pending);
                    resolve();
                });
            },
        );
        req.on("error", (e) => reject(new Error(`cannot reach the LogService at ${base.host}: ${e.message}`)));
        req.end(new URLSearchParams(form).toString());
    });
}

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, {
        stack: "prod",
        since: "24h",
        pod: "",
        status: "",
        path: "",
        "request-id": "",
        log: "",
        follow: false,
        json: false,
        limit: "1000",
        url: "",
        service: "",
        namespace: "",
    });
    const question: LogsQuestion = {
        since: flags.since,
        ...(flags.pod && { pod: flags.pod }),
        ...(flags.status && { status: flags.status }),
        ...(flags.path && { path: flags.path }),
        ...(flags["request-id"] && { requestId: flags["request-id"] }),
        ...(flags.log && { log: flags.log }),
        ...(flags.positionals.length > 0 && { logsql: flags.positionals.join(" ") }),
    };
    // Every mistake in the question before anything is asked of the cluster.
    let query: string;
    try {
        query = logsQL(question, flags.follow);
    } catch (e: any) {
        throw new UsageError(e.message);
    }
    if (!/^[1-9]\d{0,6}$/.test(flags.limit))
        throw new UsageError(`--limit ${JSON.stringify(flags.limit)}: must be a number from 1`);
    if (flags.url && flags.service) throw new UsageError("--url and --service name the same thing: give one");
    let base: URL | undefined;
    if (flags.url) {
        try {
            base = new URL(flags.url);
        } catch {
            throw new UsageError(`--url ${JSON.stringify(flags.url)}: must be a URL such as http://127.0.0.1:9428`);
        }
        if (base.protocol !== "http:") throw new UsageError(`--url ${JSON.stringify(flags.url)}: must be http://`);
    }
    const target: Target = base
        ? { url: base.href }
        : flags.service
          ? { service: flags.service, ...(flags.namespace && { namespace: flags.namespace }) }
          : stackLogService(flags.stack);
    let forward: Forward | undefined;
    if ("service" in target) {
        forward = await portForward(`svc/${target.service}`, LOG_SERVICE_PORT, { namespace: target.namespace });
        base = new URL(`http://${forward.host}:${forward.port}`);
    }
    try {
        console.error(
            `logs: ${query}${"service" in target ? ` (svc/${target.service}${target.namespace ? ` in ${target.namespace}` : ""})` : ""}`,
        );
        if (flags.follow) {
            // Live: VictoriaLogs' tail endpoint answers with each new record as it is stored.
            const stop = new Promise<void>((resolve) => process.once("SIGINT", resolve).once("SIGTERM", resolve));
            await Promise.race([
                post(base!, "/select/logsql/tail", { query }, (l) => {
                    const r = JSON.parse(l);
                    console.log(flags.json ? l : logsTable([r]).split("\n")[1]);
                }),
                stop,
            ]);
            return;
        }
        const records: Array<Record<string, string>> = [];
        await post(base!, "/select/logsql/query", { query, limit: flags.limit }, (l) => records.push(JSON.parse(l)));
        // With a limit VictoriaLogs returns the newest; shown oldest first.
        records.sort((a, b) => (a._time ?? "").localeCompare(b._time ?? ""));
        if (flags.json) for (const r of records) console.log(JSON.stringify(r));
        else if (records.length > 0) console.log(logsTable(records));
        const limited = records.length === Number(flags.limit) ? ` (the newest ${flags.limit}: --limit for more)` : "";
        console.error(`logs: ${records.length} record(s)${limited}`);
    } finally {
        forward?.close();
    }
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
