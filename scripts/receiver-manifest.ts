// npm run -s receiver:manifest [-- --protocol relp|tcp] [--port N]
// Prints the syslog receiver (rsyslog in receiver mode, the agent's own image) as Kubernetes YAML
// for a cluster: its config in a ConfigMap, the Pod, and a Service `log-receiver` -- the address
// Pulumi.delivery.yaml delivers to. up.yml applies it on a kind cluster, where the real image is
// pulled, and reads what arrived with `kubectl exec log-receiver -- cat <file>` (printed on stderr).
import { AGENT, SyslogProtocol } from "../components";
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { RECEIVER_FILE_IN_POD, receiverObjects } from "./lib/receiverPod";
import { toYaml } from "./lib/render";

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, { protocol: "relp", port: "2514" });
    const protocol = flags.protocol as SyslogProtocol;
    if (protocol !== "relp" && protocol !== "tcp")
        throw new UsageError(`--protocol must be relp or tcp, not ${protocol}`);
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new UsageError(`--port must be 1-65535, not ${port}`);
    const yaml = toYaml(receiverObjects(AGENT.image, protocol, port, "cluster"));
    process.stdout.write(yaml.endsWith("\n") ? yaml : `${yaml}\n`);
    console.error(
        `receiver: ${AGENT.image}, ${protocol} on log-receiver:${port}; received lines in ${RECEIVER_FILE_IN_POD}`,
    );
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
