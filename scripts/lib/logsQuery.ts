// The questions developers ask of the last 24 hours of nginx's logs, as LogsQL (VictoriaLogs'
// query language): every value reaches the query through one quoting function, and every option
// is checked against its grammar before anything is asked.

/** What `npm run logs` asks: each set option narrows the records (they are ANDed). */
export interface LogsQuestion {
    /** How far back, a LogsQL duration ("24h", "90m", "1h30m", "7d"). @default "24h" */
    readonly since?: string;
    /** A pod's name, exactly. */
    readonly pod?: string;
    /** "5xx", "404", ">=400", "<300": a status class, a status, or a comparison. Access records only. */
    readonly status?: string;
    /** The request path without the query, exactly; a trailing `*` matches the prefix ("/checkout*"). */
    readonly path?: string;
    /** nginx's $request_id, exactly (the X-Request-ID a request carried through the logs). */
    readonly requestId?: string;
    /** "access" or "error": one of the two logs. @default both */
    readonly log?: string;
    /** More LogsQL, appended as the agent's fields allow (`client:10.0.0.7`, `"timeout"`, `| stats count() by (pod)`). */
    readonly logsql?: string;
}

/** Thrown for an option outside its grammar, naming the option and its value. */
export class LogsQuestionError extends Error {}

/** A LogsQL quoted string: Go's string literal syntax, which JSON's is a subset of. */
export const quoteLogsQL = (value: string): string => JSON.stringify(value);

/** A LogsQL duration, as `_time:` takes it: one or more number-unit pairs. */
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
/** The record fields the options filter on (components/nginxConf.ts's JSON format, the agent's). */
const FIELDS = { pod: "pod", status: "status", path: "path", requestId: "request_id", log: "log" } as const;

function statusFilter(status: string): string {
    const cls = /^([1-5])xx$/i.exec(status);
    if (cls) return `${FIELDS.status}:>=${cls[1]}00 ${FIELDS.status}:<${Number(cls[1]) + 1}00`;
    if (/^[1-5]\d\d$/.test(status)) return `${FIELDS.status}:=${status}`;
    const cmp = /^(>=|<=|>|<)([1-5]\d\d)$/.exec(status);
    if (cmp) return `${FIELDS.status}:${cmp[1]}${cmp[2]}`;
    throw new LogsQuestionError(
        `--status ${JSON.stringify(status)}: must be a class ("5xx"), a status ("404") or a comparison (">=400", "<300")`,
    );
}

/**
 * The LogsQL of a question: `_time:<since>` and a filter per option, then the free LogsQL. For a
 * live tail (`follow`) no time filter: the tail endpoint keeps its own window.
 */
export function logsQL(q: LogsQuestion, follow = false): string {
    const since = q.since ?? "24h";
    if (!DURATION.test(since))
        throw new LogsQuestionError(
            `--since ${JSON.stringify(since)}: must be a duration such as "24h", "90m", "1h30m" or "7d"`,
        );
    const filters: string[] = follow ? [] : [`_time:${since}`];
    if (q.log !== undefined) {
        if (q.log !== "access" && q.log !== "error")
            throw new LogsQuestionError(`--log ${JSON.stringify(q.log)}: must be "access" or "error"`);
        filters.push(`${FIELDS.log}:=${q.log}`);
    }
    for (const [option, field] of [
        ["pod", FIELDS.pod],
        ["requestId", FIELDS.requestId],
    ] as const) {
        const v = q[option];
        if (v === undefined) continue;
        if (v === "")
            throw new LogsQuestionError(`--${option === "requestId" ? "request-id" : option} "": must not be empty`);
        filters.push(`${field}:=${quoteLogsQL(v)}`);
    }
    if (q.status !== undefined) filters.push(statusFilter(q.status));
    if (q.path !== undefined) {
        if (!q.path.startsWith("/"))
            throw new LogsQuestionError(`--path ${JSON.stringify(q.path)}: must start with "/" (the request's path)`);
        filters.push(
            q.path.endsWith("*")
                ? `${FIELDS.path}:${quoteLogsQL(q.path.slice(0, -1))}*`
                : `${FIELDS.path}:=${quoteLogsQL(q.path)}`,
        );
    }
    const free = q.logsql?.trim();
    if (free) filters.push(free);
    return filters.length > 0 ? filters.join(" ") : "*";
}

/** The columns of the table, in order: the record's time, where it came from, what was asked and answered. */
export const TABLE_COLUMNS = ["_time", "pod", "log", "status", "method", "path", "request_id", "_msg"] as const;

/**
 * Records as an aligned table (one line each, the message last), oldest first. Rows without a
 * `_time` are a pipe's results (`| stats by (pod) count()`): every field they have is a column.
 */
export function logsTable(records: Array<Record<string, string>>): string {
    const computed = records.length > 0 && records.every((r) => r._time === undefined);
    const columns = computed
        ? [...new Set(records.flatMap((r) => Object.keys(r)))]
        : TABLE_COLUMNS.filter((c) => records.some((r) => r[c] !== undefined && r[c] !== ""));
    const cell = (r: Record<string, string>, c: string) => (r[c] ?? "").replace(/\s+/g, " ");
    const widths = columns.map((c) => Math.max(c.length, ...records.map((r) => cell(r, c).length)));
    const line = (cells: string[]) =>
        cells
            .map((v, i) => (i === cells.length - 1 ? v : v.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return [
        line(columns.map((c) => c.replace(/^_/, ""))),
        ...records.map((r) => line(columns.map((c) => cell(r, c)))),
    ].join("\n");
}
