// npm run render [-- --stack NAME | --config-file FILE] [--out FILE] [--policy [--policy-config FILE]]
// Prints (or writes) the Kubernetes manifests the Pulumi program declares for a stack; with
// --policy, the policy pack's findings on them instead (the same policies `pulumi preview
// --policy-pack ./policy` runs; offline, no Pulumi CLI), exiting 1 on a mandatory one.
import * as fs from "fs";
import { checkObjects } from "../policy/offline";
import { podSpecOf, pulumiType } from "../policy/rules";
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { projectName, renderStack, stackConfigFile, stackFileValues, toYaml } from "./lib/render";
import { KubeObject } from "./lib/schema";
import { outageLines } from "./lib/outage";

/** The findings as a table: level, policy, resource, message. */
function findingsText(objects: KubeObject[], config: Record<string, any>): { text: string; mandatory: number } {
    const findings = checkObjects(objects, config);
    const lines = findings.map(
        (f) => `${f.enforcementLevel.padEnd(9)}  ${f.policy.padEnd(33)}  ${f.resource}: ${f.message}`,
    );
    const mandatory = findings.filter((f) => f.enforcementLevel === "mandatory").length;
    const checked = objects
        .filter((o) => podSpecOf(pulumiType(o.apiVersion, o.kind), o) !== undefined)
        .map((o) => `${o.kind} ${o.metadata.name}`);
    lines.push(
        `${findings.length} finding(s), ${mandatory} mandatory, on ${checked.join(", ") || "no workload"} (policy pack: policy/)`,
    );
    return { text: `${lines.join("\n")}\n`, mandatory };
}

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, { stack: "dev", "config-file": "", out: "", policy: false, "policy-config": "" });
    if (flags.positionals.length > 0) throw new UsageError(`unexpected argument ${flags.positionals[0]}`);
    if (flags["policy-config"] && !flags.policy) throw new UsageError("--policy-config needs --policy");
    const configFile = flags["config-file"] || undefined;
    const objects = await renderStack({ stack: flags.stack, configFile });
    const source = configFile ?? `stack ${flags.stack}`;
    const project = projectName();
    const own = Object.keys(stackFileValues(stackConfigFile(flags.stack, undefined, configFile), project));
    if (!own.some((k) => k.startsWith(`${project}:`)))
        console.error(`note: ${source} sets no ${project} option: every option at its default`);
    let text: string;
    if (flags.policy) {
        const config = flags["policy-config"] ? JSON.parse(fs.readFileSync(flags["policy-config"], "utf8")) : {};
        const result = findingsText(objects, config);
        text = result.text;
        if (result.mandatory > 0) process.exitCode = 1;
    } else {
        text = toYaml(objects);
        // Beside the manifests, on stderr: how long an outage each workload's log volume holds.
        for (const line of outageLines(objects)) console.error(line);
    }
    if (flags.out) {
        fs.writeFileSync(flags.out, text);
        console.error(`wrote ${flags.out} (${source})`);
    } else {
        process.stdout.write(text);
    }
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
