// Child process of tests/helpers/cliBatch.ts: runs several command lines of the project's scripts
// (`npm run render`, `npm run local`) one after another in this one process, each as its bin would
// run it (its main, errors reported by cli.ts' errorText, exit code 1), and prints per command line
// the exit code, stdout and stderr as one JSON line. One process loads Node, the TypeScript loader and the
// Pulumi SDK once for all of them.
import { errorText } from "../../scripts/lib/cli";

interface Case {
    script: "render" | "local";
    argv: string[];
    env?: Record<string, string>;
}

async function runCase(c: Case): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const saved = { stdout: process.stdout.write, log: console.log, error: console.error, env: { ...process.env } };
    process.stdout.write = ((chunk: any) => (out.push(String(chunk)), true)) as any;
    console.log = (...a: unknown[]) => out.push(`${a.join(" ")}\n`);
    console.error = (...a: unknown[]) => err.push(`${a.join(" ")}\n`);
    if (c.env) Object.assign(process.env, c.env);
    let code = 0;
    try {
        const { main } = await import(`../../scripts/${c.script}`);
        await main(c.argv);
        code = Number(process.exitCode ?? 0); // as runMain exits
    } catch (e) {
        err.push(`${errorText(e)}\n`);
        code = 1;
    } finally {
        process.stdout.write = saved.stdout;
        console.log = saved.log;
        console.error = saved.error;
        for (const k of Object.keys(process.env)) if (!(k in saved.env)) delete process.env[k];
        Object.assign(process.env, saved.env);
        process.exitCode = 0;
    }
    return { code, stdout: out.join(""), stderr: err.join("") };
}

async function main() {
    const cases: Case[] = JSON.parse(process.argv[2]);
    const results = [];
    for (const c of cases) results.push(await runCase(c));
    process.stdout.write(`${JSON.stringify(results)}\n`);
    process.exit(0);
}

main().catch((e) => {
    console.error(e);
    process.exit(2);
});
