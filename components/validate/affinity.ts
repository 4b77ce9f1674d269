// `affinity`: where the pods are scheduled by node and by other pods, checked as the API server
// checks it (validation.ValidateAffinity): qualified label keys, the values each operator takes,
// weights of 1 to 100, a topologyKey on every pod term, namespaces that are DNS labels.
import { LabelSelectorOperator, NodeSelectorOperator } from "../args";
import { isDnsLabel, isLabelValue, qualifiedKeyProblem } from "../grammar";
import { ValidatedAffinity } from "../model";
import { Checker } from "./checker";
import { LABEL_VALUE_RULE, labelMap } from "./metadata";

type Json = Record<string, unknown>;

const REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";
const PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution";

/** A list, each element checked by `each`; undefined (and the problem noted) when it is not one. */
function list<T>(
    c: Checker,
    arg: string,
    raw: unknown,
    what: string,
    each: (a: string, v: unknown) => T,
): T[] | undefined {
    if (!Array.isArray(raw)) return c.fail(arg, raw, `must be a list of ${what}`);
    return raw.map((v, i) => each(`${arg}[${i}]`, v));
}

function qualifiedKey(c: Checker, arg: string, raw: unknown): string | undefined {
    const key = c.string(arg, raw);
    if (key === undefined) return undefined;
    const problem = qualifiedKeyProblem(key);
    return problem ? c.fail(arg, key, problem) : key;
}

/** The value of a Gt or Lt requirement: an integer, as the scheduler parses it. */
const INTEGER = /^-?\d+$/;

/** A requirement's values as its operator wants them: some (In, NotIn), none (Exists, DoesNotExist), one integer (Gt, Lt). */
function requirement(c: Checker, arg: string, raw: unknown, operators: Record<string, string>): Json | undefined {
    const r = c.object(arg, raw, ["key", "operator", "values"]);
    if (r === undefined) return undefined;
    const key = qualifiedKey(c, `${arg}.key`, r.key);
    const operator = c.oneOf(`${arg}.operator`, r.operator, operators);
    const values =
        r.values === undefined
            ? []
            : (list(c, `${arg}.values`, r.values, "strings", (a, v) => {
                  const s = c.string(a, v);
                  // Gt and Lt compare a node label with an integer, which may be negative ("-1" is no label value).
                  const integer = (operator === "Gt" || operator === "Lt") && s !== undefined && INTEGER.test(s);
                  return s !== undefined && !integer && !isLabelValue(s) ? c.fail(a, s, LABEL_VALUE_RULE) : s;
              }) ?? []);
    if (operator === "In" || operator === "NotIn") {
        if (values.length === 0)
            c.fail(`${arg}.values`, r.values, `must hold at least one value with operator "${operator}"`);
    } else if (operator === "Exists" || operator === "DoesNotExist") {
        if (values.length > 0) c.fail(`${arg}.values`, r.values, `must be empty with operator "${operator}"`);
    } else if (operator === "Gt" || operator === "Lt") {
        if (values.length !== 1 || !INTEGER.test(values[0] ?? ""))
            c.fail(`${arg}.values`, r.values, `must be one integer with operator "${operator}"`);
    }
    return { key, operator, ...(values.length > 0 && { values }) };
}

function nodeSelectorTerm(c: Checker, arg: string, raw: unknown): Json | undefined {
    const t = c.object(arg, raw, ["matchExpressions"]);
    if (t === undefined) return undefined;
    const exprs =
        t.matchExpressions === undefined
            ? undefined
            : list(
                  c,
                  `${arg}.matchExpressions`,
                  t.matchExpressions,
                  "requirements ({ key, operator, values })",
                  (a, v) => requirement(c, a, v, NodeSelectorOperator),
              );
    return { ...(exprs && { matchExpressions: exprs }) };
}

/** A "preferred" list: `{ weight, <termKey> }` each, the weight 1 to 100, the term checked by `term`. */
function weightedTerms(
    c: Checker,
    arg: string,
    raw: unknown,
    termKey: "preference" | "podAffinityTerm",
    term: (arg: string, raw: unknown) => Json | undefined,
): Array<Json | undefined> | undefined {
    return list(c, arg, raw, `weighted terms ({ weight, ${termKey} })`, (p, v) => {
        const w = c.object(p, v, ["weight", termKey]);
        if (w === undefined) return undefined;
        return { weight: c.integer(`${p}.weight`, w.weight, 1, 100), [termKey]: term(`${p}.${termKey}`, w[termKey]) };
    });
}

function labelSelector(c: Checker, arg: string, raw: unknown): Json | undefined {
    const s = c.object(arg, raw, ["matchLabels", "matchExpressions"]);
    if (s === undefined) return undefined;
    const matchLabels = s.matchLabels === undefined ? undefined : labelMap(c, `${arg}.matchLabels`, s.matchLabels);
    const matchExpressions =
        s.matchExpressions === undefined
            ? undefined
            : list(
                  c,
                  `${arg}.matchExpressions`,
                  s.matchExpressions,
                  "requirements ({ key, operator, values })",
                  (a, v) => requirement(c, a, v, LabelSelectorOperator),
              );
    return { ...(matchLabels && { matchLabels }), ...(matchExpressions && { matchExpressions }) };
}

function podAffinityTerm(c: Checker, arg: string, raw: unknown): Json | undefined {
    const t = c.object(arg, raw, ["labelSelector", "namespaces", "namespaceSelector", "topologyKey"]);
    if (t === undefined) return undefined;
    const topologyKey =
        t.topologyKey === undefined || t.topologyKey === ""
            ? c.fail(
                  `${arg}.topologyKey`,
                  t.topologyKey,
                  'is required: the node label that defines "near" (e.g. kubernetes.io/hostname)',
              )
            : qualifiedKey(c, `${arg}.topologyKey`, t.topologyKey);
    const namespaces =
        t.namespaces === undefined
            ? undefined
            : list(c, `${arg}.namespaces`, t.namespaces, "namespace names", (a, v) => {
                  const s = c.string(a, v);
                  return s !== undefined && !isDnsLabel(s)
                      ? c.fail(a, s, "must be a namespace's name (a DNS-1123 label)")
                      : s;
              });
    return {
        ...(t.labelSelector !== undefined && {
            labelSelector: labelSelector(c, `${arg}.labelSelector`, t.labelSelector),
        }),
        ...(namespaces && { namespaces }),
        ...(t.namespaceSelector !== undefined && {
            namespaceSelector: labelSelector(c, `${arg}.namespaceSelector`, t.namespaceSelector),
        }),
        topologyKey,
    };
}

function podAffinity(c: Checker, arg: string, raw: unknown): Json | undefined {
    const a = c.object(arg, raw, [REQUIRED, PREFERRED]);
    if (a === undefined) return undefined;
    const required =
        a[REQUIRED] === undefined
            ? undefined
            : list(
                  c,
                  `${arg}.${REQUIRED}`,
                  a[REQUIRED],
                  "pod affinity terms ({ labelSelector, topologyKey })",
                  (p, v) => podAffinityTerm(c, p, v),
              );
    const preferred =
        a[PREFERRED] === undefined
            ? undefined
            : weightedTerms(c, `${arg}.${PREFERRED}`, a[PREFERRED], "podAffinityTerm", (p, v) =>
                  podAffinityTerm(c, p, v),
              );
    return { ...(required && { [REQUIRED]: required }), ...(preferred && { [PREFERRED]: preferred }) };
}

function nodeAffinity(c: Checker, arg: string, raw: unknown): Json | undefined {
    const a = c.object(arg, raw, [REQUIRED, PREFERRED]);
    if (a === undefined) return undefined;
    let required: Json | undefined;
    if (a[REQUIRED] !== undefined) {
        const sel = c.object(`${arg}.${REQUIRED}`, a[REQUIRED], ["nodeSelectorTerms"]);
        const termsArg = `${arg}.${REQUIRED}.nodeSelectorTerms`;
        const terms =
            sel === undefined
                ? undefined
                : list(c, termsArg, sel.nodeSelectorTerms, "node selector terms ({ matchExpressions })", (p, v) =>
                      nodeSelectorTerm(c, p, v),
                  );
        if (terms !== undefined && terms.length === 0)
            c.fail(
                termsArg,
                sel!.nodeSelectorTerms,
                "must hold at least one term (a node satisfying any of them is allowed)",
            );
        required = { nodeSelectorTerms: terms };
    }
    const preferred =
        a[PREFERRED] === undefined
            ? undefined
            : weightedTerms(c, `${arg}.${PREFERRED}`, a[PREFERRED], "preference", (p, v) => nodeSelectorTerm(c, p, v));
    return { ...(required && { [REQUIRED]: required }), ...(preferred && { [PREFERRED]: preferred }) };
}

/** The checked affinity as the pod spec holds it, or undefined (and the problems noted). */
export function checkAffinity(c: Checker, raw: unknown): ValidatedAffinity | undefined {
    if (raw === undefined) return undefined;
    const before = c.issues.length;
    const a = c.object("affinity", raw, ["nodeAffinity", "podAffinity", "podAntiAffinity"]);
    if (a === undefined) return undefined;
    const out = {
        ...(a.nodeAffinity !== undefined && { nodeAffinity: nodeAffinity(c, "affinity.nodeAffinity", a.nodeAffinity) }),
        ...(a.podAffinity !== undefined && { podAffinity: podAffinity(c, "affinity.podAffinity", a.podAffinity) }),
        ...(a.podAntiAffinity !== undefined && {
            podAntiAffinity: podAffinity(c, "affinity.podAntiAffinity", a.podAntiAffinity),
        }),
    };
    return c.issues.length > before ? undefined : (out as ValidatedAffinity);
}
