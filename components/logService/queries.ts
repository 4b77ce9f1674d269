// The questions developers ask of the last 24 hours, as LogsQL, and the links that open each in
// VictoriaLogs' web UI: the LogService's `queryUrls` output, the program's `logServiceQueries`
// (on localhost, through `kubectl port-forward`) and `npm run local -- --stack logs`' summary. The
// fields are the JSON access log's (components/nginxConf.ts ACCESS_LOG_FIELDS) and the record
// fields the agent adds (pod, log).

/** The web UI's links to the ready questions, one per question. */
export interface LogQueryUrls {
    /** Every record of the last 24 hours, access and error logs, newest first. */
    readonly last24h: string;
    /** The 5xx answers of the last 24 hours, counted by pod. */
    readonly errorsByPod: string;
    /** The 20 slowest requests of the last 24 hours (nginx's request_time), slowest first. */
    readonly slowestRequests: string;
}

/** Each question's LogsQL. */
export const LOG_QUERIES: Readonly<Record<keyof LogQueryUrls, string>> = {
    last24h: "_time:24h | sort by (_time desc)",
    errorsByPod: "_time:24h log:access status:>=500 | stats by (pod) count() as errors",
    slowestRequests:
        "_time:24h log:access | sort by (request_time desc) | limit 20 | fields _time, pod, request_time, _msg, request_id",
};

/**
 * The web UI at `uiUrl` (…/select/vmui/) opened on `logsql` over the last 24 hours. The UI routes
 * in the URL's fragment (`#/?query=…`); a query string before it is not read.
 */
export function uiQueryUrl(uiUrl: string, logsql: string): string {
    return `${uiUrl}#/?query=${encodeURIComponent(logsql)}&g0.range_input=24h`;
}

/** Every ready question's link on the web UI at `uiUrl`. */
export function uiQueryUrls(uiUrl: string): LogQueryUrls {
    return {
        last24h: uiQueryUrl(uiUrl, LOG_QUERIES.last24h),
        errorsByPod: uiQueryUrl(uiUrl, LOG_QUERIES.errorsByPod),
        slowestRequests: uiQueryUrl(uiUrl, LOG_QUERIES.slowestRequests),
    };
}
