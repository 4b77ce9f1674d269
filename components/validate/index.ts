// Validates raw args and applies the defaults and the production preset: one checker per option
// group, every problem of one call reported together, each under the path the user wrote.
import { ResolvedWebserverPodArgs, SecurityProfile, WebserverPodArgs, Workload } from "../args";
import { SHAPE_ARGS, WEBSERVER_POD_ARG_KEYS } from "../options";
import { DEFAULTS, NGINX, presetFor } from "../defaults";
import { ValidatedArgs } from "../model";
import { Shape, shapeOf } from "../shape";
import { Checker, WebserverPodArgError } from "./checker";
import { checkImages } from "./images";
import { checkMetadata } from "./metadata";
import { checkProbes } from "./probes";
import { checkResources } from "./resources";
import { checkShipping } from "./shipping";
import { checkScheduling, checkTimeouts } from "./scheduling";
import { checkLogVolume } from "./storage";
import { checkServiceName, checkWorkload } from "./workload";

export { WebserverPodArgError } from "./checker";
export type { ArgIssue } from "./checker";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The preset under what was given, field by field: a given leaf (even in a nested object) wins,
 * every leaf the user did not give keeps the preset's value. No preset bound is lost because
 * one field beside it was set.
 */
export function applyPreset(preset: unknown, given: unknown): unknown {
    if (given === undefined) return preset;
    if (!isPlainObject(preset) || !isPlainObject(given)) return given;
    const out: Record<string, unknown> = { ...preset };
    for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = applyPreset(preset[k], v);
    return out;
}

/** The given args with the production preset under them, when asked for; notes a bad `production`. */
function withPreset(c: Checker, given: ResolvedWebserverPodArgs): ResolvedWebserverPodArgs {
    const production = given.production === undefined ? false : c.boolean("production", given.production);
    return (production ? applyPreset(presetFor(given), given) : given) as ResolvedWebserverPodArgs;
}

function checkSecurity(c: Checker, raw: ResolvedWebserverPodArgs): SecurityProfile {
    return raw.security === undefined
        ? (DEFAULTS.security as SecurityProfile)
        : (c.oneOf("security", raw.security, SecurityProfile) ?? (DEFAULTS.security as SecurityProfile));
}

/**
 * The log agent runs hardened in every profile (profile.ts, agentContainer: uid 101, no
 * capability), and under baseline nginx writes its logs as root, 0644: the agent reads them but
 * cannot free space in them, so retention there would silently keep nothing in bounds.
 */
function checkAgentRetention(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
    security: SecurityProfile,
    shipping: Pick<ValidatedArgs, "destination" | "retention">,
): void {
    if (security === "baseline" && shipping.destination !== undefined && shipping.retention !== undefined)
        c.fail(
            "retention",
            raw.retention,
            `cannot free space in nginx's logs with a destination under security "baseline": the log agent runs as uid ${NGINX.nonRootUid} without capabilities (it holds the destination's credentials) and nginx writes its logs as root; set security: "restricted" (nginx runs as uid ${NGINX.nonRootUid} too) or production: true`,
        );
}

/**
 * skipAwait is the provider's annotation for every operation on the object, deletion included. A
 * Pod is replaced under its own name (delete first): told not to wait, the provider creates the new
 * Pod while the old one is still terminating -- with server-side apply onto it, so the old Pod's
 * end takes the new one along (seen on the local plane). A Deployment keeps its name and selector
 * (both from podName) through every option change, so it is never replaced under its name.
 */
function checkSkipAwait(c: Checker, raw: ResolvedWebserverPodArgs, workload: string, skipAwait: boolean): void {
    if (skipAwait && workload === Workload.Pod)
        c.fail(
            "skipAwait",
            raw.skipAwait,
            'applies to workload "Deployment" only: a Pod is replaced under its own name, and the provider must wait until the old one is gone before it creates the new one (with skipAwait it does not)',
        );
}

/**
 * Validates raw args and applies defaults (and the production preset, if asked for). Throws one
 * {@link WebserverPodArgError} listing every problem found.
 */
export function validateArgs(component: string, given: ResolvedWebserverPodArgs = {}): ValidatedArgs {
    const c = new Checker(given);
    if (c.object("", given, WEBSERVER_POD_ARG_KEYS) === undefined) throw new WebserverPodArgError(component, c.issues);
    const raw = withPreset(c, given);
    const security = checkSecurity(c, raw);
    const metadata = checkMetadata(c, raw, component);
    const workload = checkWorkload(c, raw);
    checkServiceName(c, workload.service, metadata.podName);
    const resources = checkResources(c, raw);
    const probes = checkProbes(c, raw);
    const logVolume = checkLogVolume(c, raw, resources.resources);
    const shipping = checkShipping(c, raw, logVolume.logVolume);
    checkAgentRetention(c, raw, security, shipping);
    // The agent's image depends on the parsed destination (RELP with TLS needs a later rsyslog).
    const images = checkImages(c, raw, shipping.destination);
    const scheduling = checkScheduling(c, raw);
    checkSkipAwait(c, raw, workload.workload, scheduling.skipAwait);
    if (c.issues.length > 0) throw new WebserverPodArgError(component, c.issues);
    return {
        ...metadata,
        ...workload,
        ...images,
        security,
        ...resources,
        ...probes,
        ...logVolume,
        ...shipping,
        ...scheduling,
    };
}

/**
 * The shape of args whose {@link SHAPE_ARGS} are plain values (others may be Outputs): validates
 * those (with the same messages as {@link validateArgs}) and whether a destination is named. Throws
 * one {@link WebserverPodArgError} listing every problem.
 */
export function validateShape(component: string, args: WebserverPodArgs): Shape {
    const plain = Object.fromEntries(
        SHAPE_ARGS.filter((k) => args[k] !== undefined).map((k) => [k, args[k]]),
    ) as ResolvedWebserverPodArgs;
    const c = new Checker(plain);
    const raw = withPreset(c, { ...plain, ...(args.destination !== undefined && { destination: {} }) });
    const security = checkSecurity(c, raw);
    const workload = checkWorkload(c, raw);
    // Plain too: a resource option of the workload, needed when it is registered.
    checkTimeouts(c, args.customTimeouts);
    if (c.issues.length > 0) throw new WebserverPodArgError(component, c.issues);
    return shapeOf({ ...workload, security, hasDestination: args.destination !== undefined });
}
