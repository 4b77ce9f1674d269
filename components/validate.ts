import { ImagePullPolicy, ResolvedWebserverPodArgs, SecurityProfile, SEED, Shipper, StorageMedium } from "./args";
import { PRODUCTION_PRESET } from "./production";

/**
 * Thrown for a bad argument. The message names the component, the argument and the value,
 * so a failed `pulumi up` or test says exactly what to fix.
 */
export class WebserverPodArgError extends Error {
    constructor(
        readonly component: string,
        readonly arg: string,
        readonly value: unknown,
        readonly rule: string,
    ) {
        super(`WebserverPod "${component}": invalid args.${arg} ${JSON.stringify(value)}: ${rule}`);
        this.name = "WebserverPodArgError";
    }
}

/** Quantities of one container's requests or limits, under Kubernetes' own names. */
export type Quantities = Partial<Record<"cpu" | "memory" | "ephemeral-storage", string>>;

export interface ValidatedResources {
    requests?: Quantities;
    limits?: Quantities;
}

export interface ValidatedProbe {
    path: string;
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
}

/** The args after validation, with defaults (and the production preset, if asked for) applied. Pure data. */
export interface ValidatedArgs {
    readonly podName: string;
    readonly namespace?: string;
    readonly nginxImage: string;
    readonly sidecarImage: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly imagePullPolicy?: ImagePullPolicy;
    readonly resources: { nginx?: ValidatedResources; sidecar?: ValidatedResources };
    readonly probes?: { readiness: ValidatedProbe; liveness: ValidatedProbe; sidecarLiveness?: ValidatedProbe };
    readonly logVolume?: { sizeLimit?: string; medium?: StorageMedium };
    readonly security: SecurityProfile;
    readonly shipper: Shipper;
    readonly catLoopPeriodSeconds: number;
    readonly retention?: { maxBytes: number; maxAgeSeconds: number };
    readonly nativeSidecar: boolean;
}

const DURATION = /^(?:\d+[dhms])+$/;
const DURATION_UNIT: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

/** Seconds in a duration such as "24h", "90m" or "1d12h". */
export function durationSeconds(d: string): number {
    return [...d.matchAll(/(\d+)([dhms])/g)].reduce((n, [, v, u]) => n + Number(v) * DURATION_UNIT[u], 0);
}

// Kubernetes' own patterns (k8s.io/apimachinery/pkg/util/validation, pkg/api/resource).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
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

/** The value of a valid quantity, to compare requests with limits. */
export function quantityValue(q: string): number {
    const m = QUANTITY.exec(q);
    if (!m) return NaN;
    const suffix = m[3] ?? "";
    return /^[eE]/.test(suffix) ? Number(m[1] + suffix) : Number(m[1]) * SUFFIX_FACTOR[suffix];
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

const PROBE_DEFAULTS = {
    readiness: { path: "/", initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    liveness: { path: "/", initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    sidecarLiveness: { path: "/", initialDelaySeconds: 0, periodSeconds: 30, timeoutSeconds: 2, failureThreshold: 3 },
};

/** Validates raw args and applies defaults. Throws {@link WebserverPodArgError} on the first bad value. */
export function validateArgs(component: string, given: ResolvedWebserverPodArgs = {}): ValidatedArgs {
    const fail = (arg: string, value: unknown, rule: string): never => {
        throw new WebserverPodArgError(component, arg, value, rule);
    };
    const isObject = (arg: string, value: unknown): Record<string, unknown> => {
        if (value === null || typeof value !== "object" || Array.isArray(value)) fail(arg, value, "must be an object");
        return value as Record<string, unknown>;
    };
    const known = (arg: string, value: Record<string, unknown>, keys: string[]): void => {
        for (const k of Object.keys(value)) {
            if (!keys.includes(k) && value[k] !== undefined)
                fail(`${arg}.${k}`, value[k], `is not an option; known: ${keys.join(", ")}`);
        }
    };
    const string = (arg: string, value: unknown): string => {
        if (typeof value !== "string") fail(arg, value, "must be a string");
        return value as string;
    };
    const oneOf = <T extends string>(arg: string, value: unknown, allowed: Record<string, T>): T => {
        const values = Object.values(allowed) as string[];
        if (typeof value !== "string" || !values.includes(value))
            fail(arg, value, `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`);
        return value as T;
    };
    const dnsLabel = (arg: string, value: unknown): string => {
        const s = string(arg, value);
        if (s.length > 63 || !DNS1123_LABEL.test(s)) {
            fail(
                arg,
                value,
                "must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', " +
                    "starting and ending with a letter or digit",
            );
        }
        return s;
    };
    const image = (arg: string, value: unknown): string => {
        const s = string(arg, value);
        if (s.trim() === "") fail(arg, value, "must not be empty");
        if (s.length > 4096 || !IMAGE_REFERENCE.test(s)) {
            fail(
                arg,
                value,
                "must be an image reference such as nginx:1.27, registry.example.com/team/nginx:1.27 " +
                    "or nginx@sha256:<64 hex digits> (no spaces or upper-case letters in the name)",
            );
        }
        return s;
    };
    const quantity = (arg: string, value: unknown): string => {
        const s = typeof value === "number" ? String(value) : string(arg, value);
        if (!QUANTITY.test(s)) fail(arg, value, 'must be a Kubernetes quantity such as "100m", "0.5", "64Mi" or "1Gi"');
        return s;
    };
    const integer = (arg: string, value: unknown, min: number): number => {
        if (typeof value !== "number" || !Number.isInteger(value) || value < min)
            fail(arg, value, `must be an integer >= ${min}`);
        return value as number;
    };
    const qualifiedKey = (arg: string, key: string): void => {
        const slash = key.indexOf("/");
        const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
        if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
            fail(`${arg} key`, key, "prefix before '/' must be a DNS-1123 subdomain of at most 253 characters");
        }
        if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
            fail(
                `${arg} key`,
                key,
                "name must be 1-63 characters of letters, digits, '-', '_' or '.', " +
                    "starting and ending with a letter or digit (optionally prefixed by a DNS subdomain and '/')",
            );
        }
    };
    const stringMap = (
        arg: string,
        value: unknown,
        checkValue: (key: string, v: string) => void,
    ): Record<string, string> => {
        if (value === null || typeof value !== "object" || Array.isArray(value))
            fail(arg, value, "must be a map of strings");
        for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
            qualifiedKey(arg, key);
            checkValue(key, string(`${arg}["${key}"]`, v));
        }
        return { ...(value as Record<string, string>) };
    };
    const quantities = (arg: string, value: unknown): Quantities | undefined => {
        if (value === undefined) return undefined;
        const o = isObject(arg, value);
        known(arg, o, ["cpu", "memory", "ephemeralStorage"]);
        const out: Quantities = {};
        if (o.cpu !== undefined) out.cpu = quantity(`${arg}.cpu`, o.cpu);
        if (o.memory !== undefined) out.memory = quantity(`${arg}.memory`, o.memory);
        if (o.ephemeralStorage !== undefined)
            out["ephemeral-storage"] = quantity(`${arg}.ephemeralStorage`, o.ephemeralStorage);
        return out;
    };
    const containerResources = (arg: string, value: unknown): ValidatedResources | undefined => {
        if (value === undefined) return undefined;
        const o = isObject(arg, value);
        known(arg, o, ["requests", "limits"]);
        const requests = quantities(`${arg}.requests`, o.requests);
        const limits = quantities(`${arg}.limits`, o.limits);
        for (const [k, req] of Object.entries(requests ?? {}) as Array<[keyof Quantities, string]>) {
            const lim = limits?.[k];
            if (lim !== undefined && quantityValue(req) > quantityValue(lim)) {
                const key = k === "ephemeral-storage" ? "ephemeralStorage" : k;
                fail(
                    `${arg}.requests.${key}`,
                    req,
                    `must not exceed limits.${key} (${lim}); Kubernetes rejects such a Pod`,
                );
            }
        }
        return { ...(requests && { requests }), ...(limits && { limits }) };
    };
    const probe = (arg: string, value: unknown, defaults: ValidatedProbe): ValidatedProbe | undefined => {
        if (value === undefined) return undefined;
        const o = isObject(arg, value);
        known(arg, o, Object.keys(defaults));
        const path = o.path === undefined ? defaults.path : string(`${arg}.path`, o.path);
        if (!path.startsWith("/") || /\s/.test(path))
            fail(`${arg}.path`, path, "must be an absolute URL path without spaces, such as /healthz");
        const p: ValidatedProbe = {
            path,
            initialDelaySeconds: integer(
                `${arg}.initialDelaySeconds`,
                o.initialDelaySeconds ?? defaults.initialDelaySeconds,
                0,
            ),
            periodSeconds: integer(`${arg}.periodSeconds`, o.periodSeconds ?? defaults.periodSeconds, 1),
            timeoutSeconds: integer(`${arg}.timeoutSeconds`, o.timeoutSeconds ?? defaults.timeoutSeconds, 1),
            failureThreshold: integer(`${arg}.failureThreshold`, o.failureThreshold ?? defaults.failureThreshold, 1),
        };
        if (p.timeoutSeconds > p.periodSeconds)
            fail(`${arg}.timeoutSeconds`, p.timeoutSeconds, `must not exceed periodSeconds (${p.periodSeconds})`);
        return p;
    };

    isObject("", given);
    if (given.production !== undefined && typeof given.production !== "boolean")
        fail("production", given.production, "must be true or false");
    // The preset fills what was not given; what was given wins.
    const raw: ResolvedWebserverPodArgs = given.production ? { ...PRODUCTION_PRESET, ...dropUndefined(given) } : given;

    const podName = dnsLabel("podName", raw.podName ?? SEED.podName);
    const namespace = raw.namespace === undefined ? undefined : dnsLabel("namespace", raw.namespace);
    const nginxImage = image("nginxImage", raw.nginxImage ?? SEED.nginxImage);
    const sidecarImage = image("sidecarImage", raw.sidecarImage ?? SEED.sidecarImage);
    const labels =
        raw.labels === undefined
            ? undefined
            : stringMap("labels", raw.labels, (key, v) => {
                  if (v.length > 63 || !LABEL_VALUE.test(v)) {
                      fail(
                          `labels["${key}"]`,
                          v,
                          "must be empty or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
                      );
                  }
              });
    const annotations =
        raw.annotations === undefined ? undefined : stringMap("annotations", raw.annotations, () => undefined);
    if (annotations) {
        const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
        if (size > 256 * 1024) fail("annotations", `${size} bytes`, "must total at most 256 KiB (keys and values)");
    }
    const imagePullPolicy =
        raw.imagePullPolicy === undefined ? undefined : oneOf("imagePullPolicy", raw.imagePullPolicy, ImagePullPolicy);
    const security =
        raw.security === undefined ? SecurityProfile.Baseline : oneOf("security", raw.security, SecurityProfile);

    let resources: ValidatedArgs["resources"] = {};
    if (raw.resources !== undefined) {
        const r = isObject("resources", raw.resources);
        known("resources", r, ["nginx", "sidecar"]);
        const nginx = containerResources("resources.nginx", r.nginx);
        const sidecar = containerResources("resources.sidecar", r.sidecar);
        resources = { ...(nginx && { nginx }), ...(sidecar && { sidecar }) };
    }

    let probes: ValidatedArgs["probes"];
    if (raw.probes !== undefined) {
        const p = isObject("probes", raw.probes);
        known("probes", p, ["readiness", "liveness", "sidecarLiveness"]);
        const sidecarLiveness = probe("probes.sidecarLiveness", p.sidecarLiveness, PROBE_DEFAULTS.sidecarLiveness);
        probes = {
            readiness: probe("probes.readiness", p.readiness ?? {}, PROBE_DEFAULTS.readiness)!,
            liveness: probe("probes.liveness", p.liveness ?? {}, PROBE_DEFAULTS.liveness)!,
            ...(sidecarLiveness && { sidecarLiveness }),
        };
    }

    let logVolume: ValidatedArgs["logVolume"];
    if (raw.logVolume !== undefined) {
        const v = isObject("logVolume", raw.logVolume);
        known("logVolume", v, ["sizeLimit", "medium"]);
        logVolume = {
            ...(v.sizeLimit !== undefined && { sizeLimit: quantity("logVolume.sizeLimit", v.sizeLimit) }),
            ...(v.medium !== undefined && { medium: oneOf("logVolume.medium", v.medium, StorageMedium) }),
        };
    }

    const shipper = raw.shipper === undefined ? Shipper.CatLoop : oneOf("shipper", raw.shipper, Shipper);
    if (raw.catLoopPeriodSeconds !== undefined && shipper !== Shipper.CatLoop) {
        fail("catLoopPeriodSeconds", raw.catLoopPeriodSeconds, 'applies to shipper "cat-loop" only');
    }
    const catLoopPeriodSeconds = integer("catLoopPeriodSeconds", raw.catLoopPeriodSeconds ?? 30, 1);
    let retention: ValidatedArgs["retention"];
    if (raw.retention !== undefined) {
        const r = isObject("retention", raw.retention);
        known("retention", r, ["maxAge", "maxSize"]);
        if (shipper !== Shipper.Stream) {
            fail("retention", raw.retention, 'needs shipper "stream": only it knows which lines were shipped');
        }
        const maxAge = string("retention.maxAge", r.maxAge ?? "24h");
        if (!DURATION.test(maxAge) || durationSeconds(maxAge) < 60) {
            fail("retention.maxAge", maxAge, 'must be a duration of at least a minute such as "24h", "90m" or "1d12h"');
        }
        const sizeLimit = logVolume?.sizeLimit;
        const maxSize = r.maxSize === undefined ? undefined : quantity("retention.maxSize", r.maxSize);
        const maxBytes =
            maxSize !== undefined ? quantityValue(maxSize) : sizeLimit ? quantityValue(sizeLimit) * 0.8 : 200 * 2 ** 20;
        if (maxBytes < 64 * 1024) fail("retention.maxSize", maxSize, "must be at least 64Ki");
        if (sizeLimit !== undefined && maxBytes >= quantityValue(sizeLimit)) {
            fail(
                "retention.maxSize",
                maxSize,
                `must be below logVolume.sizeLimit (${sizeLimit}), or the kubelet evicts the Pod first`,
            );
        }
        retention = { maxBytes: Math.floor(maxBytes), maxAgeSeconds: durationSeconds(maxAge) };
    }
    if (raw.nativeSidecar !== undefined && typeof raw.nativeSidecar !== "boolean")
        fail("nativeSidecar", raw.nativeSidecar, "must be true or false");

    return {
        podName,
        nginxImage,
        shipper,
        catLoopPeriodSeconds,
        nativeSidecar: raw.nativeSidecar === true,
        ...(retention !== undefined && { retention }),
        sidecarImage,
        security,
        resources,
        ...(namespace !== undefined && { namespace }),
        ...(labels !== undefined && { labels }),
        ...(annotations !== undefined && { annotations }),
        ...(imagePullPolicy !== undefined && { imagePullPolicy }),
        ...(probes !== undefined && { probes }),
        ...(logVolume !== undefined && { logVolume }),
    };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
