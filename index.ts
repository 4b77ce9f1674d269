// The Pulumi program: stack config -> WebserverPod -> stack outputs.
// It uses the default Kubernetes provider, i.e. the current kubeconfig context
// (or `kubernetes:context` in the stack config), so `pulumi up` against kind needs no code change.
import { WebserverPod } from "./components";
import { argsFromStackConfig } from "./program/stackConfig";

const webserver = new WebserverPod("webserver", argsFromStackConfig());

export const podIp = webserver.podIp;
export const podStatus = webserver.status;
export const readyContainers = webserver.readyContainers;
export const podName = webserver.podName;
export const namespace = webserver.namespace;
