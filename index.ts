// The Pulumi program: stack config -> WebserverPod -> stack outputs.
// It uses the default Kubernetes provider, i.e. the current kubeconfig context
// (or `kubernetes:context` in the stack config), so `pulumi up` against kind needs no code change.
import { WebserverPod } from "./components";
import { argsFromStackConfig } from "./program/stackConfig";

/** The component's name, and so (by default) the Pod's: the seed's `webserver`. */
const NAME = "webserver";

const webserver = new WebserverPod(NAME, argsFromStackConfig(NAME));

export const podIp = webserver.podIp;
export const podStatus = webserver.status;
export const readyContainers = webserver.readyContainers;
export const podName = webserver.podName;
export const namespace = webserver.namespace;
