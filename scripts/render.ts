// npm run render [-- --stack NAME | --config-file FILE] [--out FILE]
// Prints (or writes) the Kubernetes manifests the Pulumi program declares for a stack.
import * as fs from "fs";
import { projectName, renderStack, stackConfigFile, stackFileValues, toYaml } from "./lib/render";
import { parseFlags, runMain, UsageError } from "./lib/cli";

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, { stack: "dev", "config-file": "", out: "" });
    if (flags.positionals.length > 0) throw new UsageError(`unexpected argument ${flags.positionals[0]}`);
    const configFile = flags["config-file"] || undefined;
    const objects = await renderStack({ stack: flags.stack, configFile });
    const yaml = toYaml(objects);
    const source = configFile ?? `stack ${flags.stack}`;
    const project = projectName();
    const own = Object.keys(stackFileValues(stackConfigFile(flags.stack, undefined, configFile), project));
    if (!own.some((k) => k.startsWith(`${project}:`)))
        console.error(`note: ${source} sets no ${project} option: every option at its default`);
    if (flags.out) {
        fs.writeFileSync(flags.out, yaml);
        console.error(`wrote ${flags.out} (${source})`);
    } else {
        process.stdout.write(yaml);
    }
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
