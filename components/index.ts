// Package entry: the public surface, by name. Importing it registers no resource.

// The option values, as constants (`Shipper.Stream`) and as their string types.
export {
    ImagePullPolicy,
    LabelSelectorOperator,
    NodeSelectorOperator,
    SecurityProfile,
    Shipper,
    StorageMedium,
    SyslogProtocol,
    TaintEffect,
    TolerationOperator,
    Workload,
} from "./args";
// The args' types, for programs that build them (named as the SDKs of other languages show them,
// which add "Args" to input types: Python's `webserver_sidecar.RetentionArgs` is `Retention`).
export type {
    Affinity,
    ContainerResources,
    Destination,
    ElasticsearchAuth,
    ElasticsearchDestination,
    LabelSelector,
    LabelSelectorRequirement,
    LogVolume,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodAffinity,
    PodAffinityTerm,
    PreferredSchedulingTerm,
    Probe,
    Probes,
    ResolvedWebserverPodArgs,
    ResourceQuantities,
    Resources,
    Retention,
    SyslogDestination,
    Tls,
    TlsCa,
    Toleration,
    WebserverPodArgs,
    WeightedPodAffinityTerm,
    WorkloadTimeouts,
} from "./args";
// Their names before 0.2.0, deprecated.
export type {
    ContainerResourcesArgs,
    DestinationArgs,
    ElasticsearchAuthArgs,
    ElasticsearchDestinationArgs,
    LogVolumeArgs,
    ProbeArgs,
    ProbesArgs,
    ResourceQuantitiesArgs,
    ResourcesArgs,
    RetentionArgs,
    SyslogDestinationArgs,
    TlsArgs,
    TlsCaArgs,
    TolerationArgs,
} from "./args";
// The component, and its type token (`webserver-sidecar:index:WebserverPod`). After its args'
// types: the SDK's schema inference reads the entry's files in this order and takes each type's
// description from a file it read before the component's.
export { WebserverPod, WEBSERVER_POD_TYPE } from "./webserverPod";
// The log-aggregation service a destination can take directly (VictoriaLogs single node).
export { LogService, LOG_SERVICE_TYPE, LogServiceArgError, validateLogService } from "./logService";
// The questions its web UI opens on (the `queryUrls` output), and their LogsQL.
export { LOG_QUERIES, uiQueryUrl, uiQueryUrls } from "./logService";
// Its alerting rules (vmalert, LogServiceArgs.alerting), by name, and as it writes them.
export { ALERT_NAMES, alertRules } from "./logService";
export type {
    LogQueryUrls,
    LogServiceAccess,
    LogServiceAlerting,
    LogServiceArgs,
    LogServiceCluster,
    LogServiceQuantities,
    LogServiceReaders,
    LogServiceResources,
    LogServiceQuantitiesArgs,
    LogServiceResourcesArgs,
} from "./logService";
// What `production: true` sets, and the log agent's image and config paths (to mirror or pre-pull).
export {
    AGENT,
    LOG_ALERTING,
    LOG_SERVICE,
    LOG_SERVICE_ACCESS,
    PRODUCTION_PRESET,
    VICTORIALOGS_BULK_QUERY,
} from "./defaults";
// Validation without declaring anything: the same checks and messages as the component's.
export { validateArgs, WebserverPodArgError } from "./validate";
export type { ArgIssue } from "./validate";
export type { ValidatedArgs } from "./model";
// The pure render: validated args -> the Kubernetes objects, as the component declares them.
export { buildManifests } from "./manifest";
export type { ConfigMapManifest, Manifests, PodManifest } from "./manifest";
// The log agent's config for a destination, as the component's ConfigMap holds it.
export { agentConf } from "./agentConf";
