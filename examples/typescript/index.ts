// A Pod with retention and a Deployment delivering to a LogService, in TypeScript.
//
// The component is written in TypeScript, so a TypeScript program takes it from npm as it is
// (`npm install webserver-sidecar`): the same classes and args, type-checked, with no plugin in
// between. Then `pulumi up` (examples/README.md).
import { LogService, WebserverPod } from "webserver-sidecar";

// VictoriaLogs in the cluster: the log-aggregation service the Deployment's agents deliver to.
const logs = new LogService("logs", { retentionPeriod: "7d" });

// The seed's Pod, its logs kept on the shared volume for 24 hours or 64Mi, whichever comes first.
const web = new WebserverPod("web", {
    podName: "webserver",
    shipper: "stream",
    retention: { maxAge: "24h", maxSize: "64Mi" },
});

// Two replicas behind a Service, each with a log agent posting to the LogService's bulk API.
// Created once the LogService is ready; deleted before it, so the agents' drain delivers.
const api = new WebserverPod(
    "api",
    {
        podName: "webserver-api",
        workload: "Deployment",
        replicas: 2,
        destination: { elasticsearch: { url: logs.bulkUrl } },
    },
    { dependsOn: [logs] },
);

export const podIp = web.podIp;
export const podStatus = web.status;
export const apiReadyReplicas = api.readyReplicas;
export const logsUrl = logs.uiUrl;
