// Package entry: exports only. Importing it registers no resource.
export * from "./args";
export * from "./manifest";
export * from "./nginxConf";
export * from "./production";
export * from "./security";
export * from "./shippers";
export * from "./status";
export * from "./validate";
export * from "./webserverPod";
