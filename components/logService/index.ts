// The LogService component: VictoriaLogs single node for the webserver's logs.
export { LogService, LOG_SERVICE_TYPE } from "./logService";
export type { LogServiceArgs, LogServiceQuantitiesArgs, LogServiceResourcesArgs } from "./args";
export { LogServiceArgError, validateLogService } from "./manifest";
