// npm run logs -- [--stack NAME] [--since 24h] [--pod NAME] [--status 5xx|404|>=400] [--path /p[*]]
//                 [--request-id ID] [--log access|error] [--follow] [--json] [--limit N]
//                 [--url http://HOST:PORT | --service NAME [--namespace NS] [--reader-secret NAME]] [LogsQL ...]
// The developer's side of the LogService: finds the stack's LogService (its outputs), forwards a
// local port to it with kubectl, and answers with the records, oldest first, as an aligned table
// (or JSON lines); --follow tails them live. docs/delivery.md, "Find a bug in the last 24 hours".
// A closed LogService (docs/delivery.md, "Who reaches the LogService") is asked as its reader: the
// password read from its reader Secret with kubectl (the stack's logServiceReaderSecret output, or
// --reader-secret), or, with --url, from LOGS_USERNAME and LOGS_PASSWORD in the environment; never
// from the command line, where `ps` shows it.
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { spawnSync } from "child_process";
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { LogsQuestion, logsQL, logsTable } from "./lib/logsQuery";
import { Forward, portForward } from "./lib/portForward";
import { PROJECT_DIR } from "./lib/render";
import { basicAuthorization } from "./lib/basicAuth";

/** VictoriaLogs' HTTP port (components/defaults.ts LOG_SERVICE), which its Service exposes. */
const LOG_SERVICE_PORT = 9428;

/** Where to ask: the LogService's Service (forwarded to with kubectl) or an address given. */
type Target = { url: string } | { service: string; namespace?: string; readerSecret?: string };

/** Basic-auth credentials a closed LogService's reader queries with. */
interface Credentials {
    username: string;
    password: string;
}

/**
 * The reader's credentials from its basic-auth Secret, read with kubectl (the values come on
 * stdout, base64 as the API server keeps them; nothing secret on a command line).
 */
function secretCredentials(name: string, namespace?: string): Credentials {
    const r = spawnSync(
        "kubectl",
        ["get", "secret", name, ...(namespace ? ["--namespace", namespace] : []), "--output", "json"],
        { encoding: "utf8" },
    );
    if (r.error) throw new Error(`kubectl: ${r.error.message} (is it on PATH? npm run tools)`);
    if (r.status !== 0) throw new Error(`kubectl get secret ${name}: ${(r.stderr || r.stdout).trim()}`);
    const data = JSON.parse(r.stdout).data ?? {};
    const decode = (k: string) => Buffer.from(String(data[k] ?? ""), "base64").toString("utf8");
    if (!data.username || !data.password)
        throw new Error(
            `secret ${name} has no username and password (a kubernetes.io/basic-auth Secret): is it the LogService's reader Secret?`,
        );
    return { username: decode("username"), password: decode("password") };
}

/** The reader's credentials from the environment (with --url), or none. */
function envCredentials(): Credentials | undefined {
    const { LOGS_USERNAME: username, LOGS_PASSWORD: password } = process.env;
    if (!password) return undefined;
    return { username: username || "reader", password };
}

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
    return {
        service: outputs.logServiceName,
        namespace: outputs.namespace,
        // A closed LogService's reader Secret ("" when it is open).
        ...(outputs.logServiceReaderSecret && { readerSecret: outputs.logServiceReaderSecret }),
    };
}

/** A POST to the LogService's API (as `auth`, if given); `onLine` gets each line of the answer as it arrives. */
function post(
    base: URL,
    path: string,
    form: Record<string, string>,
    onLine: (line: string) => void,
    auth?: Credentials,
): Promise<void> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: base.hostname,
                port: base.port,
                path,
                method: "POST",
                headers: {
                    "content-type": "application/x-www-form-urlencoded",
                    ...(auth && { authorization: basicAuthorization(auth) }),
                },
            },
            (res) => {
                let pending = "";
                res.setEncoding("utf8");
                if (res.statusCode !== 200) {
                    res.on("data", (d) => (pending += d));
                    res.on("end", () =>
                        reject(
                            new Error(
                                res.statusCode === 401
                                    ? `the LogService asked for credentials (HTTP 401${auth ? ": they were refused" : ""}): it is closed; ${auth ? "check its reader Secret" : "with --service give --reader-secret <its readerSecretName>, with --url set LOGS_PASSWORD (and LOGS_USERNAME, default reader)"}`
                                    : `the LogService answered HTTP ${res.statusCode}: ${pending.trim()}`,
                            ),
                        ),
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
        "reader-secret": "",
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
    if (flags["reader-secret"] && flags.url)
        throw new UsageError(
            "--reader-secret is read with kubectl beside --service or --stack: with --url set LOGS_PASSWORD",
        );
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
    if (flags["reader-secret"] && "service" in target) target.readerSecret = flags["reader-secret"];
    const auth =
        "service" in target
            ? target.readerSecret
                ? secretCredentials(target.readerSecret, target.namespace)
                : undefined
            : envCredentials();
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
                post(
                    base!,
                    "/select/logsql/tail",
                    { query },
                    (l) => {
                        const r = JSON.parse(l);
                        console.log(flags.json ? l : logsTable([r]).split("\n")[1]);
                    },
                    auth,
                ),
                stop,
            ]);
            return;
        }
        const records: Array<Record<string, string>> = [];
        await post(
            base!,
            "/select/logsql/query",
            { query, limit: flags.limit },
            (l) => records.push(JSON.parse(l)),
            auth,
        );
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
