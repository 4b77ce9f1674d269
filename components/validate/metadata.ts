// podName, namespace, labels and annotations.
import { ResolvedWebserverPodArgs } from "../args";
import { LIMITS } from "../defaults";
import { isLabelValue, qualifiedKeyProblem } from "../grammar";
import { ValidatedArgs } from "../model";
import { Checker } from "./checker";

function stringMap(
    c: Checker,
    arg: string,
    value: unknown,
    checkValue: (key: string, v: string) => void,
): Record<string, string> | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value))
        return c.fail(arg, value, "must be a map of strings");
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const problem = qualifiedKeyProblem(key);
        if (problem) c.fail(`${arg} key`, key, problem);
        const s = c.string(`${arg}["${key}"]`, v);
        if (s !== undefined) {
            checkValue(key, s);
            out[key] = s;
        }
    }
    return out;
}

/** What a label value must be (Kubernetes' validation.IsValidLabelValue). */
export const LABEL_VALUE_RULE =
    "must be empty or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/** A map of label keys to label values (labels, a nodeSelector). */
export function labelMap(c: Checker, arg: string, value: unknown): Record<string, string> | undefined {
    return stringMap(c, arg, value, (key, v) => {
        if (!isLabelValue(v)) c.fail(`${arg}["${key}"]`, v, LABEL_VALUE_RULE);
    });
}

export function checkMetadata(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
    component: string,
): Pick<ValidatedArgs, "podName" | "namespace" | "labels" | "annotations"> {
    // Object names derive from the component's name, as Pulumi names children: two instances in
    // one namespace never fight over one Pod. The program's component is "webserver": the seed's.
    const podName =
        raw.podName === undefined
            ? (c.dnsLabel("podName", component, `(unset: the component's name is its default) `) ?? component)
            : (c.dnsLabel("podName", raw.podName) ?? component);
    const namespace = raw.namespace === undefined ? undefined : c.dnsLabel("namespace", raw.namespace);
    const labels = raw.labels === undefined ? undefined : labelMap(c, "labels", raw.labels);
    const annotations =
        raw.annotations === undefined ? undefined : stringMap(c, "annotations", raw.annotations, () => undefined);
    if (annotations) {
        const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
        if (size > LIMITS.annotationsTotalBytes)
            c.fail("annotations", `${size} bytes`, "must total at most 256 KiB (keys and values)");
    }
    return {
        podName,
        ...(namespace !== undefined && { namespace }),
        ...(labels !== undefined && { labels }),
        ...(annotations !== undefined && { annotations }),
    };
}
