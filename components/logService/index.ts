// The LogService component: VictoriaLogs single node for the webserver's logs. Its args' types
// first: the SDK's schema inference takes descriptions only from files it read before the class.
export type {
    LogServiceAccess,
    LogServiceAlerting,
    LogServiceArgs,
    LogServiceCluster,
    LogServiceQuantities,
    LogServiceQuantitiesArgs,
    LogServiceReaders,
    LogServiceResources,
    LogServiceResourcesArgs,
} from "./args";
export type { LogQueryUrls } from "./queries";
export { LOG_QUERIES, uiQueryUrl, uiQueryUrls } from "./queries";
export { ALERT_NAMES, alertRules } from "./alerting";
export { LogService, LOG_SERVICE_TYPE } from "./logService";
export { LogServiceArgError, validateLogService } from "./manifest";
