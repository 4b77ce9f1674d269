// Collects every problem of one set of args, each under the argument path the user wrote, so a
// call fails once with all of them. Typed readers return the value, or undefined after noting why.
import { closest, isDnsLabel, isImageReference, isUrlHost, parseQuantity, formatBytes } from "../grammar";

/** One problem: the argument path as the user wrote it, the value given there, and the rule it breaks. */
export interface ArgIssue {
    readonly arg: string;
    readonly value: unknown;
    readonly rule: string;
}

/**
 * Stands for the value of an unknown key that may hold a credential (under `destination`, or named
 * like one): a message names the key, never what was under it.
 */
export const NOT_SHOWN = Symbol("not shown");

/** Where an unknown key may hold a credential: the destination's objects, or a key named like one. */
const MAY_HOLD_A_CREDENTIAL = /(^|\.)destination(\.|$)|pass|secret|token|cred|auth|api.?key/i;

export const showValue = (value: unknown): string =>
    value === undefined
        ? "(unset)"
        : value === NOT_SHOWN
          ? "(value not shown: it may be a credential)"
          : JSON.stringify(value);

/**
 * Thrown for bad args, before anything is registered (or, for args that arrive as Outputs, when
 * they resolve). The message names the component and, for each problem, the argument and value.
 * `arg`, `value` and `rule` are those of the first problem; `issues` has them all.
 */
export class WebserverPodArgError extends Error {
    readonly arg: string;
    readonly value: unknown;
    readonly rule: string;

    constructor(
        readonly component: string,
        readonly issues: readonly ArgIssue[],
    ) {
        const line = (i: ArgIssue) => `invalid args${i.arg ? `.${i.arg}` : ""} ${showValue(i.value)}: ${i.rule}`;
        super(
            issues.length === 1
                ? `WebserverPod "${component}": ${line(issues[0])}`
                : `WebserverPod "${component}": ${issues.length} problems in its args:\n${issues.map((i) => `  ${line(i)}`).join("\n")}`,
        );
        this.name = "WebserverPodArgError";
        ({ arg: this.arg, value: this.value, rule: this.rule } = issues[0]);
    }
}

/** The dotted path of a child argument ("" is the args object itself). */
export const child = (arg: string, key: string): string => (arg === "" ? key : `${arg}.${key}`);

export class Checker {
    readonly issues: ArgIssue[] = [];

    /** @param given the args exactly as the user passed them (before any preset), to tell what they wrote. */
    constructor(private readonly given: unknown) {}

    fail(arg: string, value: unknown, rule: string): undefined {
        this.issues.push({ arg, value, rule });
        return undefined;
    }

    /** True when the user set `arg` themselves (rather than a default or the production preset). */
    wrote(arg: string): boolean {
        let v: unknown = this.given;
        for (const k of arg.split(".")) {
            if (v === null || typeof v !== "object") return false;
            v = (v as Record<string, unknown>)[k];
        }
        return v !== undefined;
    }

    /** An object whose keys are all among `known`; an unknown key is a problem, with the likely intended key. */
    object(arg: string, value: unknown, known: readonly string[]): Record<string, unknown> | undefined {
        if (value === null || typeof value !== "object" || Array.isArray(value))
            return this.fail(arg, value, `must be an object with the keys ${known.join(", ")}`);
        const o = value as Record<string, unknown>;
        for (const k of Object.keys(o)) {
            if (known.includes(k) || o[k] === undefined) continue;
            const guess = closest(k, known);
            this.fail(
                child(arg, k),
                MAY_HOLD_A_CREDENTIAL.test(child(arg, k)) ? NOT_SHOWN : o[k],
                `is not an option${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""} (known: ${known.join(", ")})`,
            );
        }
        return o;
    }

    string(arg: string, value: unknown): string | undefined {
        return typeof value === "string" ? value : this.fail(arg, value, "must be a string");
    }

    boolean(arg: string, value: unknown): boolean | undefined {
        return typeof value === "boolean" ? value : this.fail(arg, value, "must be true or false");
    }

    oneOf<T extends string>(arg: string, value: unknown, allowed: Record<string, T>): T | undefined {
        const values = Object.values(allowed) as string[];
        if (typeof value === "string" && values.includes(value)) return value as T;
        return this.fail(arg, value, `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`);
    }

    integer(arg: string, value: unknown, min: number, max: number, why = ""): number | undefined {
        if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
        return this.fail(arg, value, `must be an integer from ${min} to ${max}${why}`);
    }

    /**
     * An http:// or https:// URL naming its server by a DNS name or an IP address, without
     * credentials (`credentials` says where they would land in plain text, and where they go
     * instead) or a #fragment. `example` is shown with the rule.
     */
    httpUrl(arg: string, value: string, example: string, credentials: string): URL | undefined {
        let u: URL;
        try {
            u = new URL(value);
        } catch {
            return this.fail(arg, value, `must be a URL such as "${example}"`);
        }
        if (u.protocol !== "http:" && u.protocol !== "https:")
            return this.fail(arg, value, `must be an http:// or https:// URL such as "${example}"`);
        if (u.username !== "" || u.password !== "")
            return this.fail(arg, value.replace(/\/\/[^@/]*@/, "//***@"), `must not carry credentials: ${credentials}`);
        if (u.hash !== "") return this.fail(arg, value, "must not have a #fragment");
        // The URL standard lets '"', '=', '(' and more through in a host; none names a server.
        if (!isUrlHost(u.hostname))
            return this.fail(
                arg,
                value,
                `must name its server by a DNS name (letters, digits, '-' and '.'), an IPv4 address or an [IPv6] address, not ${JSON.stringify(u.hostname)}`,
            );
        return u;
    }

    /** A DNS-1123 label; `why` prefixes the rule (e.g. where a default came from). */
    dnsLabel(arg: string, value: unknown, why = ""): string | undefined {
        const s = this.string(arg, value);
        if (s === undefined || isDnsLabel(s)) return s;
        return this.fail(
            arg,
            value,
            `${why}must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
        );
    }

    image(arg: string, value: unknown): string | undefined {
        const s = this.string(arg, value);
        if (s === undefined) return undefined;
        if (s.trim() === "") return this.fail(arg, value, "must not be empty");
        if (isImageReference(s)) return s;
        return this.fail(
            arg,
            value,
            "must be an image reference such as nginx:1.27, registry.example.com/team/nginx:1.27 " +
                "or nginx@sha256:<64 hex digits> (no spaces or upper-case letters in the name)",
        );
    }

    /**
     * A Kubernetes quantity. With `bytes`, also a whole number of bytes: "128m" is Kubernetes'
     * syntax for 0.128 bytes, never what anyone means for memory or storage.
     */
    quantity(arg: string, value: unknown, bytes: boolean): string | undefined {
        const s = typeof value === "number" ? String(value) : this.string(arg, value);
        if (s === undefined) return undefined;
        const q = parseQuantity(s);
        if (!q) {
            // "200MB", "1 GB": the units of disks and downloads, which Kubernetes writes Mi, Gi.
            const unit = /^(\d+(?:\.\d+)?)\s*([KMGTP])i?B$/i.exec(s.trim());
            const hint = unit
                ? `; did you mean "${unit[1]}${unit[2].toUpperCase()}i" (or "${unit[1]}${unit[2].toUpperCase()}", powers of 1000)?`
                : "";
            return this.fail(arg, value, `must be a Kubernetes quantity such as "100m", "0.5", "64Mi" or "1Gi"${hint}`);
        }
        if (bytes && !Number.isInteger(q.value)) {
            const hint =
                q.suffix === "m"
                    ? `; "m" means milli: did you mean "${q.number}Mi"?`
                    : `; did you mean "${formatBytes(q.value)}"?`;
            return this.fail(arg, value, `is ${q.value} bytes: memory and storage are whole bytes${hint}`);
        }
        return s;
    }
}
