// npm run render [-- --stack NAME --out FILE]
// Prints (or writes) the Kubernetes manifests the Pulumi program declares for a stack.
import * as fs from "fs";
import { renderStack, toYaml } from "./lib/render";
import { parseFlags, runMain } from "./lib/cli";

runMain(async () => {
    const flags = parseFlags(process.argv.slice(2), { stack: "dev", out: "" });
    const yaml = toYaml(await renderStack({ stack: flags.stack }));
    if (flags.out) {
        fs.writeFileSync(flags.out, yaml);
        console.error(`wrote ${flags.out} (stack ${flags.stack})`);
    } else {
        process.stdout.write(yaml);
    }
});
