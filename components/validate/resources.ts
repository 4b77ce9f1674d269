// resources: requests and limits of each container.
import { ResolvedWebserverPodArgs } from "../args";
import { quantityValue } from "../grammar";
import { Quantities, ValidatedArgs, ValidatedResources } from "../model";
import { Checker, child } from "./checker";

// Each argument, its Kubernetes name, and whether it counts whole bytes.
const QUANTITIES = [
    { arg: "cpu", name: "cpu", bytes: false },
    { arg: "memory", name: "memory", bytes: true },
    { arg: "ephemeralStorage", name: "ephemeral-storage", bytes: true },
] as const;

function quantities(c: Checker, arg: string, value: unknown): Quantities | undefined {
    if (value === undefined) return undefined;
    const o = c.object(
        arg,
        value,
        QUANTITIES.map((q) => q.arg),
    );
    if (!o) return undefined;
    const out: Quantities = {};
    for (const q of QUANTITIES) {
        if (o[q.arg] === undefined) continue;
        const s = c.quantity(child(arg, q.arg), o[q.arg], q.bytes);
        if (s !== undefined) out[q.name] = s;
    }
    return out;
}

function containerResources(c: Checker, arg: string, value: unknown): ValidatedResources | undefined {
    if (value === undefined) return undefined;
    const o = c.object(arg, value, ["requests", "limits"]);
    if (!o) return undefined;
    const requests = quantities(c, child(arg, "requests"), o.requests);
    const limits = quantities(c, child(arg, "limits"), o.limits);
    for (const q of QUANTITIES) {
        const req = requests?.[q.name];
        const lim = limits?.[q.name];
        if (req === undefined || lim === undefined || quantityValue(req) <= quantityValue(lim)) continue;
        // Name the one the user wrote: with the production preset, the other may be the preset's.
        const reqArg = `${arg}.requests.${q.arg}`;
        const limArg = `${arg}.limits.${q.arg}`;
        if (c.wrote(limArg) && !c.wrote(reqArg))
            c.fail(limArg, lim, `must not be below requests.${q.arg} (${req}); Kubernetes rejects such a Pod`);
        else c.fail(reqArg, req, `must not exceed limits.${q.arg} (${lim}); Kubernetes rejects such a Pod`);
    }
    return { ...(requests && { requests }), ...(limits && { limits }) };
}

export function checkResources(c: Checker, raw: ResolvedWebserverPodArgs): Pick<ValidatedArgs, "resources"> {
    if (raw.resources === undefined) return { resources: {} };
    const r = c.object("resources", raw.resources, ["nginx", "sidecar"]);
    const nginx = containerResources(c, "resources.nginx", r?.nginx);
    const sidecar = containerResources(c, "resources.sidecar", r?.sidecar);
    return { resources: { ...(nginx && { nginx }), ...(sidecar && { sidecar }) } };
}
