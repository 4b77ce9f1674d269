// Package entry: the public surface, by name. Importing it registers no resource.
export { WebserverPod, WEBSERVER_POD_TYPE } from "./webserverPod";
export {
    ImagePullPolicy,
    SecurityProfile,
    Shipper,
    StorageMedium,
    SyslogProtocol,
    WEBSERVER_POD_ARG_KEYS,
} from "./args";
export type {
    ContainerResourcesArgs,
    DestinationArgs,
    LogVolumeArgs,
    ProbeArgs,
    ProbesArgs,
    ResolvedWebserverPodArgs,
    ResourceQuantitiesArgs,
    ResourcesArgs,
    RetentionArgs,
    SyslogDestinationArgs,
    WebserverPodArgs,
} from "./args";
export { AGENT, DEFAULTS, PRODUCTION_PRESET, SEED } from "./defaults";
export { validateArgs, WebserverPodArgError } from "./validate";
export type { ArgIssue } from "./validate";
export type { ValidatedArgs } from "./model";
// The pure render: validated args -> the Kubernetes objects, as the component declares them.
export { buildManifests } from "./manifest";
// The log agent's config for a destination, as the component's ConfigMap holds it.
export { agentConf } from "./agentConf";
export type { ConfigMapManifest, Manifests, PodManifest } from "./manifest";
