import { ResolvedWebserverPodArgs, SEED } from "./args";

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

/** The args after validation, with the seed's defaults applied. Pure data. */
export interface ValidatedArgs {
    readonly podName: string;
    readonly namespace?: string;
    readonly nginxImage: string;
    readonly sidecarImage: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
}

// Kubernetes' own patterns (k8s.io/apimachinery/pkg/util/validation).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

// The distribution reference grammar (github.com/distribution/reference): [registry[:port]/]path[:tag][@digest].
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}";
const IMAGE_REFERENCE = new RegExp(
    `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@(?:${DIGEST}))?$`,
);

type Check = (arg: string, value: unknown) => void;

/** Validates raw args and applies defaults. Throws {@link WebserverPodArgError} on the first bad value. */
export function validateArgs(component: string, raw: ResolvedWebserverPodArgs = {}): ValidatedArgs {
    const fail = (arg: string, value: unknown, rule: string): never => {
        throw new WebserverPodArgError(component, arg, value, rule);
    };
    const isString: Check = (arg, value) => {
        if (typeof value !== "string") fail(arg, value, "must be a string");
    };
    const dnsLabel: Check = (arg, value) => {
        isString(arg, value);
        const s = value as string;
        if (s.length > 63 || !DNS1123_LABEL.test(s)) {
            fail(arg, value, "must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', " +
                "starting and ending with a letter or digit");
        }
    };
    const image: Check = (arg, value) => {
        isString(arg, value);
        const s = value as string;
        if (s.trim() === "") fail(arg, value, "must not be empty");
        if (s.length > 4096 || !IMAGE_REFERENCE.test(s)) {
            fail(arg, value, "must be an image reference such as nginx:1.27, registry.example.com/team/nginx:1.27 " +
                "or nginx@sha256:<64 hex digits> (no spaces or upper-case letters in the name)");
        }
    };
    const qualifiedKey = (arg: string, key: string): void => {
        const slash = key.indexOf("/");
        const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
        if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
            fail(`${arg} key`, key, "prefix before '/' must be a DNS-1123 subdomain of at most 253 characters");
        }
        if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
            fail(`${arg} key`, key, "name must be 1-63 characters of letters, digits, '-', '_' or '.', " +
                "starting and ending with a letter or digit (optionally prefixed by a DNS subdomain and '/')");
        }
    };
    const stringMap = (arg: string, value: unknown, checkValue: (key: string, v: string) => void): void => {
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            fail(arg, value, "must be a map of strings");
        }
        for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
            qualifiedKey(arg, key);
            if (typeof v !== "string") fail(`${arg}["${key}"]`, v, "must be a string");
            checkValue(key, v as string);
        }
    };

    const podName = raw.podName ?? SEED.podName;
    dnsLabel("podName", podName);
    if (raw.namespace !== undefined) dnsLabel("namespace", raw.namespace);
    const nginxImage = raw.nginxImage ?? SEED.nginxImage;
    image("nginxImage", nginxImage);
    const sidecarImage = raw.sidecarImage ?? SEED.sidecarImage;
    image("sidecarImage", sidecarImage);
    if (raw.labels !== undefined) {
        stringMap("labels", raw.labels, (key, v) => {
            if (v.length > 63 || !LABEL_VALUE.test(v)) {
                fail(`labels["${key}"]`, v, "must be empty or 1-63 letters, digits, '-', '_' or '.', " +
                    "starting and ending with a letter or digit");
            }
        });
    }
    if (raw.annotations !== undefined) {
        stringMap("annotations", raw.annotations, () => undefined);
        const size = Object.entries(raw.annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
        if (size > 256 * 1024) fail("annotations", `${size} bytes`, "must total at most 256 KiB (keys and values)");
    }

    return {
        podName,
        nginxImage,
        sidecarImage,
        ...(raw.namespace !== undefined && { namespace: raw.namespace }),
        ...(raw.labels !== undefined && { labels: { ...raw.labels } }),
        ...(raw.annotations !== undefined && { annotations: { ...raw.annotations } }),
    };
}
