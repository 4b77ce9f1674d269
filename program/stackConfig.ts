import * as pulumi from "@pulumi/pulumi";
import { WebserverPodArgs } from "../components";

/**
 * Reads the stack's config (keys under the project's namespace, e.g. `webserver-sidecar:podName`)
 * into the component's args. A key that is not set stays unset, so the component's default
 * (the seed's value, or the production preset's) applies. Values are checked by the component.
 */
export function argsFromStackConfig(config: pulumi.Config = new pulumi.Config()): WebserverPodArgs {
    return {
        namespace: config.get("namespace"),
        podName: config.get("podName"),
        nginxImage: config.get("nginxImage"),
        sidecarImage: config.get("sidecarImage"),
        labels: config.getObject("labels"),
        annotations: config.getObject("annotations"),
        imagePullPolicy: config.get("imagePullPolicy") as WebserverPodArgs["imagePullPolicy"],
        resources: config.getObject("resources"),
        probes: config.getObject("probes"),
        logVolume: config.getObject("logVolume"),
        shipper: config.get("shipper") as WebserverPodArgs["shipper"],
        catLoopPeriodSeconds: config.getNumber("catLoopPeriodSeconds"),
        retention: config.getObject("retention"),
        nativeSidecar: config.getBoolean("nativeSidecar"),
        security: config.get("security") as WebserverPodArgs["security"],
        production: config.getBoolean("production"),
    };
}
