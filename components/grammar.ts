// The syntax of the values Kubernetes and container registries accept: names, label keys and
// values, image references, quantities and durations. Pure predicates and parsers, no messages:
// the checkers in validate/ turn a mismatch into an error naming the argument.

import { isIPv4, isIPv6 } from "net";

// Kubernetes' own patterns (k8s.io/apimachinery/pkg/util/validation, pkg/api/resource).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** A DNS-1123 label: what Kubernetes accepts as a Pod, Deployment or namespace name. */
export function isDnsLabel(s: string): boolean {
    return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** A DNS-1035 label: a DNS-1123 label that starts with a letter, what a Service's name must be. */
export function isDns1035Label(s: string): boolean {
    return isDnsLabel(s) && /^[a-z]/.test(s);
}

/** A DNS-1123 subdomain of at most 253 characters (a label key's prefix). */
export function isDnsSubdomain(s: string): boolean {
    return s.length > 0 && s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/**
 * A network address "host:port": host a DNS name (letters of either case), an IPv4 address, or an
 * IPv6 address in brackets; port 1 to 65535. Undefined when it is not one.
 */
export function parseHostPort(s: string): { host: string; port: number } | undefined {
    const m = /^(\[([0-9A-Fa-f:.]+)\]|[^:[\]]+):(\d{1,5})$/.exec(s);
    if (!m) return undefined;
    const port = Number(m[3]);
    if (port < 1 || port > 65535) return undefined;
    const host = m[2] ?? m[1];
    if (m[2] !== undefined) return isIPv6(host) ? { host, port } : undefined;
    if (/^[0-9.]+$/.test(host)) return isIPv4(host) ? { host, port } : undefined;
    return isDnsSubdomain(host.toLowerCase()) ? { host, port } : undefined;
}

/**
 * A URL's host as the URL standard hands it over (lowercase, IDNA-mapped): a DNS name, an IPv4
 * address, or an IPv6 address in brackets. The standard's own host syntax is wider (it lets '"',
 * '=' and '(' through, characters a config language gives a meaning to).
 */
export function isUrlHost(host: string): boolean {
    if (host.startsWith("[") && host.endsWith("]")) return isIPv6(host.slice(1, -1));
    if (/^[0-9.]+$/.test(host)) return isIPv4(host);
    return isDnsSubdomain(host);
}

/** Why a label or annotation key is invalid, or undefined when it is valid. */
export function qualifiedKeyProblem(key: string): string | undefined {
    const slash = key.indexOf("/");
    const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
    if (prefix !== undefined && !isDnsSubdomain(prefix))
        return "prefix before '/' must be a DNS-1123 subdomain of at most 253 characters";
    if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name))
        return (
            "name must be 1-63 characters of letters, digits, '-', '_' or '.', " +
            "starting and ending with a letter or digit (optionally prefixed by a DNS subdomain and '/')"
        );
    return undefined;
}

/** A label value: empty, or 1-63 characters. */
export function isLabelValue(s: string): boolean {
    return s.length <= 63 && LABEL_VALUE.test(s);
}

// The distribution reference grammar (github.com/distribution/reference): [registry[:port]/]path[:tag][@digest].
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}";
const IMAGE_REFERENCE = new RegExp(
    `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@(?:${DIGEST}))?$`,
);

/** A container image reference such as `nginx:1.27` or `registry:5000/team/nginx@sha256:...`. */
export function isImageReference(s: string): boolean {
    return s.length <= 4096 && IMAGE_REFERENCE.test(s);
}

const SUFFIX_FACTOR: Record<string, number> = {
    "": 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** A Kubernetes quantity split into its number and suffix, or undefined when the syntax is wrong. */
export function parseQuantity(q: string): { number: string; suffix: string; value: number } | undefined {
    const m = QUANTITY.exec(q);
    if (!m) return undefined;
    const suffix = m[3] ?? "";
    // An exponent ("e3", "E-2") is a suffix of its own; "E" and "Ei" alone are exa and exbi.
    const value = suffix in SUFFIX_FACTOR ? Number(m[1]) * SUFFIX_FACTOR[suffix] : Number(m[1] + suffix);
    return { number: m[1], suffix, value };
}

/** The value of a quantity (NaN when its syntax is wrong), to compare and bound quantities. */
export function quantityValue(q: string): number {
    return parseQuantity(q)?.value ?? NaN;
}

/** A byte count as the shortest binary quantity that states it exactly or rounded up ("264Ki", "1Mi"). */
export function formatBytes(bytes: number): string {
    for (const [suffix, f] of [
        ["Gi", 2 ** 30],
        ["Mi", 2 ** 20],
        ["Ki", 2 ** 10],
    ] as const) {
        if (bytes >= f) return `${Math.ceil(bytes / f)}${suffix}`;
    }
    return String(Math.ceil(bytes));
}

const DURATION = /^(?:\d+[dhms])+$/;
const DURATION_UNIT: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

/** Seconds in a duration such as "24h", "90m" or "1d12h"; undefined when the syntax is wrong. */
export function durationSeconds(d: string): number | undefined {
    if (!DURATION.test(d)) return undefined;
    return [...d.matchAll(/(\d+)([dhms])/g)].reduce((n, [, v, u]) => n + Number(v) * DURATION_UNIT[u], 0);
}

/** Edit distance (insertions, deletions, substitutions, transpositions), for "did you mean". */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** The known name closest to `name` when it is close enough to be a typo of it (case ignored). */
export function closest(name: string, known: readonly string[]): string | undefined {
    let best: { k: string; d: number } | undefined;
    for (const k of known) {
        const d = editDistance(name.toLowerCase(), k.toLowerCase());
        if (best === undefined || d < best.d) best = { k, d };
    }
    return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.k : undefined;
}
