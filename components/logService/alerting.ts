// The LogService's alerting, pure: LogServiceArgs.alerting checked, the rules vmalert evaluates
// against VictoriaLogs (LogsQL), and vmalert's objects (its rules in a ConfigMap, a Deployment of
// one pod). docs/alerting.md says what each rule means and how to route what fires.
import { createHash } from "crypto";
import { LOG_ALERTING, LOG_SERVICE, LOG_SERVICE_ACCESS } from "../defaults";
import { durationSeconds } from "../grammar";
import { profileSettings } from "../profile";
import { Checker, child } from "../validate/checker";

/** LogServiceArgs.alerting, checked, every default filled in, every duration in seconds. */
export interface ValidatedAlerting {
    readonly notifierUrl: string;
    readonly errorThreshold: number;
    readonly errorWindowSeconds: number;
    readonly silentAfterSeconds: number;
    readonly silenceLookbackSeconds: number;
    readonly evaluationIntervalSeconds: number;
    readonly image: string;
}

const KEYS = [
    "notifierUrl",
    "errorThreshold",
    "errorWindow",
    "silentAfter",
    "silenceLookback",
    "evaluationInterval",
    "image",
] as const;

/** A duration of at least `minSeconds` ("90s", "5m", "1h30m"): its seconds, or undefined (a problem recorded). */
function duration(c: Checker, arg: string, value: unknown, minSeconds: number, why: string): number | undefined {
    const seconds = typeof value === "string" ? durationSeconds(value) : undefined;
    if (seconds === undefined)
        return c.fail(
            arg,
            value,
            'must be a duration in days, hours, minutes and seconds, such as "30s", "5m" or "1h30m"',
        );
    if (seconds < minSeconds) return c.fail(arg, value, `must be at least ${minSeconds}s${why}`);
    return seconds;
}

/** Checks `arg` (LogServiceArgs.alerting) and fills in the defaults; problems go to `c`. */
export function checkAlerting(c: Checker, arg: string, value: unknown): ValidatedAlerting | undefined {
    const a = c.object(arg, value, KEYS);
    if (a === undefined) return undefined;
    const at = (k: (typeof KEYS)[number]) => child(arg, k);
    const url =
        a.notifierUrl === undefined
            ? c.fail(
                  at("notifierUrl"),
                  undefined,
                  'must name the Alertmanager that gets the alerts, e.g. "http://alertmanager:9093"',
              )
            : c.string(at("notifierUrl"), a.notifierUrl);
    const notifier =
        url === undefined
            ? undefined
            : c.httpUrl(
                  at("notifierUrl"),
                  url,
                  "http://alertmanager.monitoring.svc:9093",
                  "they would be stored in plain text in vmalert's pod spec and the stack's config",
              );
    if (notifier !== undefined && notifier.search !== "")
        c.fail(at("notifierUrl"), url, "must not have a ?query: vmalert appends /api/v2/alerts to the URL's path");
    const interval = duration(
        c,
        at("evaluationInterval"),
        a.evaluationInterval ?? LOG_ALERTING.evaluationInterval,
        1,
        "",
    );
    const perInterval = interval === undefined ? 1 : interval;
    const notShorter = ` (evaluationInterval, ${perInterval}s): a shorter window misses what happens between evaluations`;
    const errorWindow = duration(
        c,
        at("errorWindow"),
        a.errorWindow ?? LOG_ALERTING.errorWindow,
        perInterval,
        notShorter,
    );
    const silentAfter = duration(
        c,
        at("silentAfter"),
        a.silentAfter ?? LOG_ALERTING.silentAfter,
        perInterval,
        notShorter,
    );
    const lookback = duration(c, at("silenceLookback"), a.silenceLookback ?? LOG_ALERTING.silenceLookback, 1, "");
    if (silentAfter !== undefined && lookback !== undefined && lookback <= silentAfter)
        c.fail(
            at("silenceLookback"),
            a.silenceLookback ?? LOG_ALERTING.silenceLookback,
            `must be longer than silentAfter (${silentAfter}s): the pods to watch are those that sent records before they fell silent`,
        );
    const errorThreshold =
        a.errorThreshold === undefined
            ? LOG_ALERTING.errorThreshold
            : c.integer(at("errorThreshold"), a.errorThreshold, 1, 1_000_000);
    const image = a.image === undefined ? LOG_ALERTING.image : c.image(at("image"), a.image);
    if ([notifier, interval, errorWindow, silentAfter, lookback, errorThreshold, image].includes(undefined))
        return undefined;
    return {
        notifierUrl: url!,
        errorThreshold: errorThreshold!,
        errorWindowSeconds: errorWindow!,
        silentAfterSeconds: silentAfter!,
        silenceLookbackSeconds: lookback!,
        evaluationIntervalSeconds: interval!,
        image: image!,
    };
}

/** The rules' names: what an Alertmanager route matches on (`alertname`). */
export const ALERT_NAMES = { errors: "WebserverErrors", silent: "WebserverSilent" } as const;

/**
 * The rules, as vmalert reads them: one group of LogsQL rules (`type: vlogs`), each with its own
 * time filter, so the window is the rule's and not the evaluation interval's. Each result row is
 * an alert labelled with the pod (and its namespace), its value the row's number.
 */
export function alertRules(a: ValidatedAlerting) {
    return {
        groups: [
            {
                name: "webserver-logs",
                type: "vlogs",
                interval: `${a.evaluationIntervalSeconds}s`,
                // vmalert's default (30s) waits for VictoriaMetrics' latency offset; VictoriaLogs
                // answers with a record a second after it came in, and one that comes in late
                // still falls in the rule's window at the next evaluation.
                eval_delay: "0s",
                rules: [
                    {
                        alert: ALERT_NAMES.errors,
                        expr: `_time:${a.errorWindowSeconds}s log:access status:>=500 | stats by (namespace, pod) count() as errors | filter errors:>=${a.errorThreshold}`,
                        labels: { severity: "warning" },
                        annotations: {
                            summary: `pod {{ $labels.namespace }}/{{ $labels.pod }} answered {{ $value }} requests with 5xx in the last ${a.errorWindowSeconds}s`,
                            description: `nginx's access log: ${a.errorThreshold} or more 5xx answers from one pod within ${a.errorWindowSeconds}s fire this alert.`,
                        },
                    },
                    {
                        alert: ALERT_NAMES.silent,
                        expr: `_time:${a.silenceLookbackSeconds}s | stats by (namespace, pod) count() if (_time:${a.silentAfterSeconds}s) as recent, count() as earlier | filter recent:=0 | fields namespace, pod, earlier`,
                        labels: { severity: "warning" },
                        annotations: {
                            summary: `pod {{ $labels.namespace }}/{{ $labels.pod }} sent no log record for ${a.silentAfterSeconds}s ({{ $value }} in the ${a.silenceLookbackSeconds}s before)`,
                            description:
                                "Its logs stopped reaching the LogService: the pod is gone (a rollout or a scale-down also ends a pod's logs), its agent is stuck, or the way to the LogService is broken.",
                        },
                    },
                ],
            },
        ],
    };
}

/**
 * The rules file. JSON, which is YAML (vmalert reads YAML): JSON.stringify is the one escaping of
 * every string in it, the LogsQL expressions and the annotations alike.
 */
export const alertRulesFile = (a: ValidatedAlerting): string => `${JSON.stringify(alertRules(a), null, 2)}\n`;

/** The names of the alerting objects of the LogService named `name`. */
export const alertingNames = (name: string, a: ValidatedAlerting) => ({
    deployment: `${name}-vmalert`,
    // A hash of the rules in the name, as the webserver's ConfigMaps carry: vmalert reads its rules
    // at start, so changed rules are a new ConfigMap and a rollout.
    configMap: `${name}-alert-rules-${createHash("sha256").update(alertRulesFile(a)).digest("hex").slice(0, 8)}`,
});

/** The labels that select vmalert's pod. */
export const vmalertLabels = (name: string) => ({
    "app.kubernetes.io/name": "vmalert",
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/part-of": name,
});

/** Where vmalert reads the reader's password when the LogService is closed (its basic-auth Secret). */
const READER_DIR = "/etc/vmalert-reader";

/**
 * vmalert's command line: its rules, the LogService as the datasource (as its reader, from the
 * reader's Secret, when `readerSecret` names it: a closed LogService), Alertmanager as the notifier.
 */
export function vmalertArgs(serviceHost: string, a: ValidatedAlerting, readerSecret?: string): string[] {
    return [
        `-rule=${LOG_ALERTING.rulesDir}/${LOG_ALERTING.rulesFile}`,
        "-rule.defaultRuleType=vlogs",
        `-datasource.url=http://${serviceHost}:${LOG_SERVICE.httpPort}`,
        ...(readerSecret === undefined
            ? []
            : [
                  `-datasource.basicAuth.username=${LOG_SERVICE_ACCESS.readerUser}`,
                  `-datasource.basicAuth.passwordFile=${READER_DIR}/password`,
              ]),
        `-notifier.url=${a.notifierUrl}`,
        `-evaluationInterval=${a.evaluationIntervalSeconds}s`,
        `-httpListenAddr=:${LOG_ALERTING.httpPort}`,
    ];
}

/**
 * vmalert's objects: its rules in a ConfigMap and a Deployment of one pod under the restricted
 * profile, querying the LogService by its Service's name (both in `namespace`), as its reader when
 * `readerSecret` names the reader's Secret.
 */
export function buildAlertingObjects(
    name: string,
    namespace: string | undefined,
    a: ValidatedAlerting,
    readerSecret?: string,
) {
    const names = alertingNames(name, a);
    const labels = vmalertLabels(name);
    const metadata = (n: string) => ({ name: n, ...(namespace !== undefined && { namespace }), labels });
    const restricted = profileSettings("restricted");
    const probe = (failureThreshold: number) => ({
        httpGet: { path: "/health", port: "http" },
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold,
    });
    const configMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: metadata(names.configMap),
        data: { [LOG_ALERTING.rulesFile]: alertRulesFile(a) },
    };
    const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: metadata(names.deployment),
        spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    ...restricted.pod,
                    securityContext: {
                        ...restricted.pod.securityContext,
                        runAsUser: LOG_SERVICE.uid,
                        runAsGroup: LOG_SERVICE.uid,
                    },
                    containers: [
                        {
                            name: "vmalert",
                            image: a.image,
                            imagePullPolicy: "Always",
                            args: vmalertArgs(name, a, readerSecret),
                            ports: [{ name: "http", containerPort: LOG_ALERTING.httpPort, protocol: "TCP" }],
                            resources: LOG_ALERTING.resources,
                            readinessProbe: probe(3),
                            livenessProbe: probe(6),
                            securityContext: restricted.container,
                            volumeMounts: [
                                { name: "rules", mountPath: LOG_ALERTING.rulesDir, readOnly: true },
                                ...(readerSecret === undefined
                                    ? []
                                    : [{ name: "reader", mountPath: READER_DIR, readOnly: true }]),
                            ],
                        },
                    ],
                    volumes: [
                        { name: "rules", configMap: { name: names.configMap } },
                        ...(readerSecret === undefined
                            ? []
                            : [
                                  {
                                      name: "reader",
                                      secret: {
                                          secretName: readerSecret,
                                          items: [{ key: "password", path: "password" }],
                                      },
                                  },
                              ]),
                    ],
                },
            },
        },
    };
    return { configMap, deployment };
}
