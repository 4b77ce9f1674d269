// probes: nginx's HTTP readiness and liveness, the sidecar's exec liveness.
import { ResolvedWebserverPodArgs } from "../args";
import { DEFAULTS, LIMITS, ProbeDefaults } from "../defaults";
import { ValidatedArgs, ValidatedProbe } from "../model";
import { Checker, child } from "./checker";

const TIMINGS = ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"] as const;
const MIN: Record<(typeof TIMINGS)[number], number> = {
    initialDelaySeconds: 0,
    periodSeconds: 1,
    timeoutSeconds: 1,
    failureThreshold: 1,
};

function probe(c: Checker, arg: string, value: unknown, defaults: ProbeDefaults): ValidatedProbe | undefined {
    if (value === undefined) return undefined;
    const http = defaults.path !== undefined;
    // `path` is known on the sidecar's probe too, to say why it does not apply rather than "unknown".
    const o = c.object(arg, value, ["path", ...TIMINGS]);
    if (!o) return undefined;
    const p: ValidatedProbe = { ...defaults };
    if (o.path !== undefined) {
        if (!http)
            c.fail(
                child(arg, "path"),
                o.path,
                "applies to nginx's HTTP probes only; the sidecar's probe runs a command",
            );
        else {
            const path = c.string(child(arg, "path"), o.path);
            if (path !== undefined && (!path.startsWith("/") || /\s/.test(path)))
                c.fail(child(arg, "path"), path, "must be an absolute URL path without spaces, such as /healthz");
            else if (path !== undefined) p.path = path;
        }
    }
    for (const t of TIMINGS) {
        if (o[t] === undefined) continue;
        const v = c.integer(child(arg, t), o[t], MIN[t], LIMITS.int32);
        if (v !== undefined) p[t] = v;
    }
    if (p.timeoutSeconds > p.periodSeconds)
        c.fail(child(arg, "timeoutSeconds"), p.timeoutSeconds, `must not exceed periodSeconds (${p.periodSeconds})`);
    return p;
}

export function checkProbes(c: Checker, raw: ResolvedWebserverPodArgs): Pick<ValidatedArgs, "probes"> {
    if (raw.probes === undefined) return {};
    const o = c.object("probes", raw.probes, ["readiness", "liveness", "sidecarLiveness"]);
    if (!o) return {};
    const d = DEFAULTS.probes;
    const sidecarLiveness = probe(c, "probes.sidecarLiveness", o.sidecarLiveness, d.sidecarLiveness);
    return {
        probes: {
            readiness: probe(c, "probes.readiness", o.readiness ?? {}, d.readiness) ?? { ...d.readiness },
            liveness: probe(c, "probes.liveness", o.liveness ?? {}, d.liveness) ?? { ...d.liveness },
            ...(sidecarLiveness && { sidecarLiveness }),
        },
    };
}
