// The Pulumi program: stack config -> WebserverPod -> stack outputs.
// It uses the default Kubernetes provider, i.e. the current kubeconfig context
// (or `kubernetes:context` in the stack config), so `pulumi up` against kind needs no code change.
import { WebserverPod } from "./components";
import { argsFromStackConfig } from "./program/stackConfig";

/** The component's name, and so (by default) the Pod's: the seed's `webserver`. */
const NAME = "webserver";

const webserver = new WebserverPod(NAME, argsFromStackConfig(NAME));

// A Pod's outputs; for a Deployment, podIp, podStatus and readyContainers are left unset (its
// pods come and go) and readyReplicas, serviceName and serviceIp are set (README, "Outputs").
export const workload = webserver.workload;
export const podName = webserver.podName;
export const namespace = webserver.namespace;
export const podIp = webserver.podIp;
export const podStatus = webserver.status;
export const readyContainers = webserver.readyContainers;
export const readyReplicas = webserver.readyReplicas;
export const serviceName = webserver.serviceName;
export const serviceIp = webserver.serviceIp;
