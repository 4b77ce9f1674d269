// The Pulumi program: stack config -> WebserverPod -> stack outputs.
// It uses the default Kubernetes provider, i.e. the current kubeconfig context
// (or `kubernetes:context` in the stack config), so `pulumi up` against kind needs no code change.
import { WebserverPod } from "./components";
import { argsFromStackConfig } from "./program/stackConfig";

/** The component's name, and so (by default) the Pod's: the seed's `webserver`. */
const NAME = "webserver";

const webserver = new WebserverPod(NAME, argsFromStackConfig(NAME));

// The stack outputs: workload, podName and namespace; for a Pod podIp, podStatus and
// readyContainers; for a Deployment readyReplicas; with a Service serviceName and serviceIp
// (README, "Outputs"). Only those that apply are exported: the engine warns about every stack
// output left undefined.
export = webserver.stackOutputs();
