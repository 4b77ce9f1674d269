// Child process of tests/helpers/lateArgs.ts: constructs a WebserverPod for each case with the
// named args wrapped in Outputs, under Pulumi mocks, as `pulumi up` would run a program. Prints,
// per case, the error its Outputs rejected with and what reached the engine, as one JSON line.
// A rejected input leaves the engine waiting on that resource's registration, as it does in a
// real run that then fails: that is why this runs in a process of its own, not in the mocha one.
import * as pulumi from "@pulumi/pulumi";

interface Case {
    name: string;
    args: Record<string, unknown>;
    /** Dotted paths in args whose values arrive as Outputs ("" = the whole args object). */
    outputs: string[];
}

const registered: Array<{ type: string; name: string }> = [];
pulumi.runtime.setMocks(
    {
        newResource: (a) => {
            registered.push({ type: a.type, name: a.name });
            return { id: `${a.name}-id`, state: a.inputs };
        },
        call: (a) => a.inputs,
    },
    "webserver-sidecar",
    "dev",
    false,
);

const errors = new Map<string, string>();
process.on("unhandledRejection", (e: any) => {
    const message = String(e?.message ?? e);
    const m = /WebserverPod "([^"]+)"/.exec(message);
    errors.set(m ? m[1] : "?", message);
});

function wrap(args: Record<string, unknown>, paths: string[]): unknown {
    const copy: any = structuredClone(args);
    for (const p of paths) {
        if (p === "") return pulumi.output(copy);
        const keys = p.split(".");
        let o = copy;
        for (const k of keys.slice(0, -1)) o = o[k];
        o[keys[keys.length - 1]] = pulumi.output(o[keys[keys.length - 1]]);
    }
    return copy;
}

async function main() {
    const cases: Case[] = JSON.parse(process.argv[2]);
    // Imported after the mocks, as a program is.
    const { WebserverPod } = await import("../../components");
    const results: Record<string, { thrown?: string; rejected?: string; registered: string[] }> = {};
    for (const c of cases) {
        let thrown: string | undefined;
        try {
            new WebserverPod(c.name, wrap(c.args, c.outputs) as any);
        } catch (e: any) {
            thrown = String(e?.message ?? e);
        }
        // Each case settles in one of three ways, each an event: the constructor threw, the
        // check of its Outputs rejected, or its workload reached the engine (the check passed).
        // A case that does none of them within a minute is a defect of its own, said so.
        const settled = () =>
            thrown !== undefined ||
            errors.has(c.name) ||
            registered.some((r) => r.name.startsWith(`${c.name}-`) && r.type.startsWith("kubernetes:"));
        const deadline = Date.now() + 60_000;
        while (!settled()) {
            if (Date.now() > deadline) {
                console.error(`case ${c.name}: neither thrown, rejected nor registered within 60 s`);
                process.exit(2);
            }
            await new Promise((r) => setTimeout(r, 2));
        }
        results[c.name] = { thrown, rejected: errors.get(c.name), registered: [] };
    }
    // A rejection that came after the case settled (its workload registered first) is kept too.
    for (const c of cases) results[c.name].rejected = errors.get(c.name);
    for (const r of registered) {
        const owner = cases.find((c) => r.name === c.name || r.name.startsWith(`${c.name}-`));
        if (owner) results[owner.name].registered.push(r.type);
    }
    process.stdout.write(`${JSON.stringify(results)}\n`);
    process.exit(0);
}

main().catch((e) => {
    console.error(e);
    process.exit(2);
});
