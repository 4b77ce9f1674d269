// The Pulumi program: stack config -> WebserverPod (and, with `logService`, the LogService it
// delivers to) -> stack outputs. It uses the default Kubernetes provider, i.e. the current
// kubeconfig context (or `kubernetes:context` in the stack config), so `pulumi up` against kind
// needs no code change.
import * as pulumi from "@pulumi/pulumi";
import { LOG_SERVICE, LogService, uiQueryUrls, WebserverPod } from "../components";
import { isClosed, programConfig, SECRET_KEYS } from "./stackConfig";

/** The component's name, and so (by default) the Pod's: the seed's `webserver`. */
const NAME = "webserver";
/** The LogService's name, and its Service's. */
const LOGS = "logs";

// The webserver's args carry the destination: the stack's, or else the LogService's bulk API.
const { args, logService } = programConfig(NAME, LOGS);
// Closed, its passwords are the stack's secret keys, read as secrets (they stay secrets in its Secrets).
const config = new pulumi.Config();
const logs = logService
    ? new LogService(LOGS, {
          ...logService,
          ...(args.namespace !== undefined && { namespace: args.namespace }),
          // Closed unless the stack opens it (the component's default too).
          access: isClosed(logService)
              ? {
                    ...logService.access,
                    ingestPassword: config.requireSecret(SECRET_KEYS.ingestPassword),
                    readerPassword: config.requireSecret(SECRET_KEYS.readerPassword),
                }
              : { open: true },
      })
    : undefined;
// Depending on the LogService: created after it is ready, and deleted before it at `pulumi destroy`,
// so the agent's drain on termination delivers into a LogService that is still there.
const webserver = new WebserverPod(NAME, args, logs ? { dependsOn: [logs] } : undefined);

// The stack outputs: workload, podName and namespace; for a Pod podIp, podStatus and
// readyContainers; for a Deployment readyReplicas; with a Service serviceName and serviceIp; with
// a LogService logServiceName, logServiceUrl (its web UI), logServiceBulkUrl, logServiceAccess
// ("open" or "closed"), logServiceReaderSecret and logServiceLogin (closed: the reader's
// basic-auth Secret, and how to sign in to the web UI with it) and
// logServiceQueries (the web UI on the ready questions, at localhost: where `kubectl
// port-forward svc/logs 9428` opens it) (README, "Outputs"). Only those that apply are exported:
// the engine warns about every stack output left undefined.
export = {
    ...webserver.stackOutputs(),
    ...(logs && {
        logServiceName: logs.serviceName,
        logServiceUrl: logs.uiUrl,
        logServiceBulkUrl: logs.bulkUrl,
        logServiceAccess: logs.access,
        ...(isClosed(logService) && { logServiceReaderSecret: logs.readerSecretName, logServiceLogin: logs.uiLogin }),
        logServiceQueries: uiQueryUrls(`http://localhost:${LOG_SERVICE.httpPort}/select/vmui/`),
    }),
};
