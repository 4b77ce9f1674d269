// Where the pods run, as whom, and how long they get to stop: tolerations (which node taints they
// accept), nodeSelector, priorityClassName, serviceAccountName, imagePullSecrets and
// terminationGracePeriodSeconds, as Kubernetes writes them.
import { ResolvedWebserverPodArgs, TaintEffect, TolerationOperator } from "../args";
import { LIMITS } from "../defaults";
import { isDnsSubdomain, isLabelValue, qualifiedKeyProblem } from "../grammar";
import { LABEL_VALUE_RULE, labelMap } from "./metadata";
import { ValidatedToleration, ValidatedArgs, ValidatedTimeouts } from "../model";
import { Checker } from "./checker";
import { checkAffinity } from "./affinity";

const TOLERATION_KEYS = ["key", "operator", "value", "effect", "tolerationSeconds"] as const;

/** One toleration, checked as the API server checks it (validation.ValidateTolerations). */
function checkToleration(c: Checker, arg: string, raw: unknown): ValidatedToleration | undefined {
    const t = c.object(arg, raw, TOLERATION_KEYS);
    if (t === undefined) return undefined;
    const before = c.issues.length;
    const key = t.key === undefined || t.key === "" ? undefined : c.string(`${arg}.key`, t.key);
    if (key !== undefined) {
        const problem = qualifiedKeyProblem(key);
        if (problem) c.fail(`${arg}.key`, key, problem);
    }
    const operator =
        t.operator === undefined
            ? TolerationOperator.Equal
            : (c.oneOf(`${arg}.operator`, t.operator, TolerationOperator) ?? TolerationOperator.Equal);
    const value = t.value === undefined ? undefined : c.string(`${arg}.value`, t.value);
    if (operator === TolerationOperator.Exists && value !== undefined && value !== "")
        c.fail(`${arg}.value`, value, 'must be empty with operator "Exists" (it matches any value)');
    if (value !== undefined && value !== "" && !isLabelValue(value)) c.fail(`${arg}.value`, value, LABEL_VALUE_RULE);
    if (key === undefined && operator !== TolerationOperator.Exists)
        c.fail(`${arg}.operator`, operator, 'must be "Exists" when key is empty (it then tolerates every taint)');
    const effect =
        t.effect === undefined || t.effect === "" ? undefined : c.oneOf(`${arg}.effect`, t.effect, TaintEffect);
    let tolerationSeconds: number | undefined;
    if (t.tolerationSeconds !== undefined) {
        if (effect !== TaintEffect.NoExecute)
            c.fail(`${arg}.tolerationSeconds`, t.tolerationSeconds, 'applies to effect "NoExecute" only');
        else
            tolerationSeconds = c.integer(
                `${arg}.tolerationSeconds`,
                t.tolerationSeconds,
                0,
                LIMITS.tolerationSecondsMax,
            );
    }
    if (c.issues.length > before) return undefined;
    return {
        ...(key !== undefined && { key }),
        operator,
        ...(value !== undefined && value !== "" && { value }),
        ...(effect !== undefined && { effect }),
        ...(tolerationSeconds !== undefined && { tolerationSeconds }),
    };
}

/** A name Kubernetes gives a Secret, ServiceAccount or PriorityClass: a DNS subdomain. */
function objectName(c: Checker, arg: string, value: unknown, what: string): string | undefined {
    const s = c.string(arg, value);
    if (s === undefined || isDnsSubdomain(s)) return s;
    return c.fail(arg, s, `must be the name of a ${what} (a DNS subdomain: lowercase letters, digits, '-' and '.')`);
}

export function checkScheduling(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
): Pick<
    ValidatedArgs,
    | "tolerations"
    | "nodeSelector"
    | "priorityClassName"
    | "serviceAccountName"
    | "imagePullSecrets"
    | "terminationGracePeriodSeconds"
    | "affinity"
    | "customTimeouts"
    | "skipAwait"
> {
    const terminationGracePeriodSeconds =
        raw.terminationGracePeriodSeconds === undefined
            ? undefined
            : c.integer(
                  "terminationGracePeriodSeconds",
                  raw.terminationGracePeriodSeconds,
                  1,
                  LIMITS.terminationGracePeriodSecondsMax,
                  " (a day; 0 would kill the pods at once, before the shipper drains)",
              );
    const nodeSelector = raw.nodeSelector === undefined ? undefined : labelMap(c, "nodeSelector", raw.nodeSelector);
    const priorityClassName =
        raw.priorityClassName === undefined
            ? undefined
            : objectName(c, "priorityClassName", raw.priorityClassName, "PriorityClass");
    const serviceAccountName =
        raw.serviceAccountName === undefined
            ? undefined
            : objectName(c, "serviceAccountName", raw.serviceAccountName, "ServiceAccount");
    let imagePullSecrets: string[] | undefined;
    if (raw.imagePullSecrets !== undefined) {
        if (!Array.isArray(raw.imagePullSecrets))
            c.fail("imagePullSecrets", raw.imagePullSecrets, "must be a list of Secret names");
        else {
            const names = raw.imagePullSecrets.map((n, i) =>
                objectName(c, `imagePullSecrets[${i}]`, n, "Secret of type kubernetes.io/dockerconfigjson"),
            );
            if (names.every((n) => n !== undefined)) imagePullSecrets = names as string[];
        }
    }
    const affinity = checkAffinity(c, raw.affinity);
    const customTimeouts = checkTimeouts(c, raw.customTimeouts);
    const skipAwait = raw.skipAwait === undefined ? false : (c.boolean("skipAwait", raw.skipAwait) ?? false);
    return {
        ...checkTolerations(c, raw),
        ...(affinity !== undefined && { affinity }),
        ...(customTimeouts !== undefined && { customTimeouts }),
        skipAwait,
        ...(nodeSelector !== undefined && { nodeSelector }),
        ...(priorityClassName !== undefined && { priorityClassName }),
        ...(serviceAccountName !== undefined && { serviceAccountName }),
        ...(imagePullSecrets !== undefined && { imagePullSecrets }),
        ...(terminationGracePeriodSeconds !== undefined && { terminationGracePeriodSeconds }),
    };
}

function checkTolerations(c: Checker, raw: ResolvedWebserverPodArgs): Pick<ValidatedArgs, "tolerations"> {
    if (raw.tolerations === undefined) return {};
    if (!Array.isArray(raw.tolerations)) {
        c.fail("tolerations", raw.tolerations, "must be a list of tolerations ({ key, operator, value, effect })");
        return {};
    }
    const tolerations = raw.tolerations.map((t, i) => checkToleration(c, `tolerations[${i}]`, t));
    return tolerations.every((t) => t !== undefined) ? { tolerations: tolerations as ValidatedToleration[] } : {};
}

/** A duration as Pulumi's engine reads a custom timeout (Go's time.ParseDuration): "90s", "10m", "1h30m". */
const GO_DURATION = /^(?:\d+(?:h|m|s))+$/;

/** `customTimeouts`: create, update and delete, each a duration of hours, minutes and seconds. */
export function checkTimeouts(c: Checker, raw: unknown): ValidatedTimeouts | undefined {
    if (raw === undefined) return undefined;
    const t = c.object("customTimeouts", raw, ["create", "update", "delete"]);
    if (t === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const k of ["create", "update", "delete"] as const) {
        if (t[k] === undefined) continue;
        const d = c.string(`customTimeouts.${k}`, t[k]);
        if (d === undefined) continue;
        if (!GO_DURATION.test(d) || /^(?:0+[hms])+$/.test(d))
            c.fail(
                `customTimeouts.${k}`,
                d,
                'must be a duration above zero in hours, minutes and seconds, e.g. "90s", "10m", "1h30m"',
            );
        else out[k] = d;
    }
    return out;
}
