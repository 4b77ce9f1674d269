// Package entry: the public surface, by name. Importing it registers no resource.
export { WebserverPod, WEBSERVER_POD_TYPE } from "./webserverPod";
export { ImagePullPolicy, SecurityProfile, Shipper, StorageMedium, WEBSERVER_POD_ARG_KEYS } from "./args";
export type {
    ContainerResourcesArgs,
    LogVolumeArgs,
    ProbeArgs,
    ProbesArgs,
    ResolvedWebserverPodArgs,
    ResourceQuantitiesArgs,
    ResourcesArgs,
    RetentionArgs,
    WebserverPodArgs,
} from "./args";
export { DEFAULTS, PRODUCTION_PRESET, SEED } from "./defaults";
export { validateArgs, WebserverPodArgError } from "./validate";
export type { ArgIssue } from "./validate";
export type { ValidatedArgs } from "./model";
// The pure render: validated args -> the Kubernetes objects, as the component declares them.
export { buildManifests } from "./manifest";
export type { ConfigMapManifest, Manifests, PodManifest } from "./manifest";
