import * as pulumi from "@pulumi/pulumi";
import { WebserverPodArgs } from "../components";

/**
 * Reads the stack's config (keys under the project's namespace, e.g. `webserver-sidecar:podName`)
 * into the component's args. A key that is not set stays unset, so the component's default
 * (the seed's value) applies.
 */
export function argsFromStackConfig(config: pulumi.Config = new pulumi.Config()): WebserverPodArgs {
    return {
        namespace: config.get("namespace"),
        podName: config.get("podName"),
        nginxImage: config.get("nginxImage"),
        sidecarImage: config.get("sidecarImage"),
        labels: config.getObject<Record<string, string>>("labels"),
        annotations: config.getObject<Record<string, string>>("annotations"),
    };
}
