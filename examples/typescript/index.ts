// A Pod with retention and a Deployment delivering to a LogService, in TypeScript.
//
// The component is written in TypeScript, so a TypeScript program takes it from npm as it is
// (`npm install webserver-sidecar`): the same classes and args, type-checked, with no plugin in
// between. Then `pulumi up` (examples/README.md).
import * as pulumi from "@pulumi/pulumi";
import { LogService, WebserverPod } from "webserver-sidecar";

// VictoriaLogs in the cluster: the log-aggregation service the Deployment's agents deliver to.
// Closed: agents insert and developers query with these passwords, set as secrets
// (`pulumi config set --secret logsIngestPassword <16+ characters>`, the same for logsReaderPassword).
const config = new pulumi.Config();
const logs = new LogService("logs", {
    retentionPeriod: "7d",
    access: {
        ingestPassword: config.requireSecret("logsIngestPassword"),
        readerPassword: config.requireSecret("logsReaderPassword"),
    },
});

// The seed's Pod, its logs kept on the shared volume for 24 hours or 64Mi, whichever comes first.
const web = new WebserverPod("web", {
    podName: "webserver",
    shipper: "stream",
    retention: { maxAge: "24h", maxSize: "64Mi" },
});

// Two replicas behind a Service, each with a log agent posting to the LogService's bulk API as its
// ingest user (its `destination`: the URL and the Secret holding the password, nothing copied).
// Created once the LogService is ready; deleted before it, so the agents' drain delivers.
const api = new WebserverPod(
    "api",
    {
        podName: "webserver-api",
        workload: "Deployment",
        replicas: 2,
        destination: logs.destination,
    },
    { dependsOn: [logs] },
);

export const podIp = web.podIp;
export const podStatus = web.status;
export const apiReadyReplicas = api.readyReplicas;
export const logsUrl = logs.uiUrl;
export const logsLogin = logs.uiLogin;
