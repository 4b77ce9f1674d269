// Package entry: the public surface, by name. Importing it registers no resource.

// The component, and its type token (`webserver-sidecar:index:WebserverPod`).
export { WebserverPod, WEBSERVER_POD_TYPE } from "./webserverPod";
// The option values, as constants (`Shipper.Stream`) and as their string types.
export {
    ImagePullPolicy,
    SecurityProfile,
    Shipper,
    StorageMedium,
    SyslogProtocol,
    TaintEffect,
    TolerationOperator,
    Workload,
} from "./args";
// The args' types, for programs that build them.
export type {
    ContainerResourcesArgs,
    DestinationArgs,
    ElasticsearchAuthArgs,
    ElasticsearchDestinationArgs,
    LogVolumeArgs,
    ProbeArgs,
    ProbesArgs,
    ResolvedWebserverPodArgs,
    ResourceQuantitiesArgs,
    ResourcesArgs,
    RetentionArgs,
    SyslogDestinationArgs,
    TolerationArgs,
    WebserverPodArgs,
} from "./args";
// The log-aggregation service a destination can take directly (VictoriaLogs single node).
export { LogService, LOG_SERVICE_TYPE, LogServiceArgError, validateLogService } from "./logService";
export type { LogServiceArgs, LogServiceQuantitiesArgs, LogServiceResourcesArgs } from "./logService";
// What `production: true` sets, and the log agent's image and config paths (to mirror or pre-pull).
export { AGENT, LOG_SERVICE, PRODUCTION_PRESET, VICTORIALOGS_BULK_QUERY } from "./defaults";
// Validation without declaring anything: the same checks and messages as the component's.
export { validateArgs, WebserverPodArgError } from "./validate";
export type { ArgIssue } from "./validate";
export type { ValidatedArgs } from "./model";
// The pure render: validated args -> the Kubernetes objects, as the component declares them.
export { buildManifests } from "./manifest";
export type { ConfigMapManifest, Manifests, PodManifest } from "./manifest";
// The log agent's config for a destination, as the component's ConfigMap holds it.
export { agentConf } from "./agentConf";
