// The pure render the component runs (validateArgs, then buildManifests over manifest.ts' OBJECTS
// table, keyed by the same shape), for tests that look at the objects without the Pulumi runtime.
import { buildManifests, validateArgs, WebserverPodArgs } from "../../components";
import { Manifests } from "../../components/manifest";

/** Every object the component declares for `args`, under the component name `name`. */
export function render(args: WebserverPodArgs, name = "webserver"): Manifests {
    // Plain args: what validateArgs takes once Outputs have resolved.
    return buildManifests(validateArgs(name, args as Parameters<typeof validateArgs>[1]));
}

/** The same objects as a list, in the order the component declares them. */
export function renderObjects(args: WebserverPodArgs, name = "webserver"): any[] {
    return Object.values(render(args, name));
}
