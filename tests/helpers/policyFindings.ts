import { checkObjects } from "../../policy/offline";

/** The messages one policy gives an agent ConfigMap holding `conf` as its rsyslog.conf, whatever wrote it. */
export const configMapFindings = (policy: string) => (conf: string) => {
    const configMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "webserver-agent-conf-0" },
        data: { "rsyslog.conf": conf },
    };
    return checkObjects([configMap])
        .filter((f) => f.policy === policy)
        .map((f) => f.message.split(". Fix:")[0]);
};
