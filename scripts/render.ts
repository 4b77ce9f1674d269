// npm run render [-- --stack NAME --out FILE]
// Prints (or writes) the Kubernetes manifests the Pulumi program declares for a stack.
import * as fs from "fs";
import { renderStack, toYaml } from "./lib/render";
import { parseFlags, runMain, UsageError } from "./lib/cli";

runMain(async () => {
    const flags = parseFlags(process.argv.slice(2), { stack: "dev", out: "" });
    if (flags.positionals.length > 0) throw new UsageError(`unexpected argument ${flags.positionals[0]}`);
    const yaml = toYaml(await renderStack({ stack: flags.stack }));
    if (flags.out) {
        fs.writeFileSync(flags.out, yaml);
        console.error(`wrote ${flags.out} (stack ${flags.stack})`);
    } else {
        process.stdout.write(yaml);
    }
});
