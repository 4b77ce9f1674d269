// A throw-away consumer project for the package tests: it lives inside the project, so its
// `@pulumi/*` peers resolve to the project's one copy, as a real consumer resolves its own.
import * as fs from "fs";
import * as path from "path";
import { run } from "../../scripts/lib/exec";

export const ROOT = path.resolve(__dirname, "..", "..");

// Sets mocks, then loads a module, and prints what it exports and registered as JSON.
const CJS_RUNNER = `const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({
    newResource: (a) => { registered.push({ type: a.type, name: a.name, inputs: a.inputs }); return { id: a.name + "-id", state: a.inputs }; },
    call: (a) => a.inputs,
}, "consumer", "test", false);
const mod = require(process.argv[2]);
if (process.argv[3] === "construct") new mod.WebserverPod("webserver"); // the seed's name: object names derive from it
pulumi.runtime.disconnect().then(() => {
    console.log(JSON.stringify({ exports: Object.keys(mod).sort(), registered }));
});
`;

// The same from an ES module, with static named imports: what \`import { WebserverPod } from\` needs.
const ESM_RUNNER = `import * as pulumi from "@pulumi/pulumi";
import { WebserverPod, validateArgs } from "webserver-sidecar";
import * as all from "webserver-sidecar";
const registered = [];
pulumi.runtime.setMocks({
    newResource: (a) => { registered.push({ type: a.type, name: a.name, inputs: a.inputs }); return { id: a.name + "-id", state: a.inputs }; },
    call: (a) => a.inputs,
}, "consumer", "test", false);
if (typeof validateArgs !== "function") throw new Error("validateArgs is not a named export");
new WebserverPod("consumer-esm");
await pulumi.runtime.disconnect();
console.log(JSON.stringify({ exports: Object.keys(all).filter((k) => k !== "default").sort(), registered }));
`;

/** A consumer project's tsconfig.json: strict, CommonJS, compiling `files` only into bin/. */
export function writeConsumerTsconfig(dir: string, files: string[] = ["index.ts"]): void {
    fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
            compilerOptions: {
                strict: true,
                target: "ES2022",
                module: "commonjs",
                moduleResolution: "node",
                outDir: "bin",
                types: [],
                skipLibCheck: true,
            },
            files,
        }),
    );
}

export class Consumer {
    constructor(readonly dir: string) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
        );
        fs.writeFileSync(path.join(dir, "runner.js"), CJS_RUNNER);
        fs.writeFileSync(path.join(dir, "runner.mjs"), ESM_RUNNER);
    }

    /** npm install of a package spec (tarball, git URL); the peers come from the project above. */
    install(spec: string): void {
        run("npm", ["install", "--no-audit", "--no-fund", "--legacy-peer-deps", "--no-package-lock", spec], {
            cwd: this.dir,
            timeoutMs: 600_000,
        });
    }

    /** Loads `module` from CommonJS under mocks (constructing a WebserverPod when asked). */
    requireUnderMocks(module: string, construct = false, env: Record<string, string> = {}): any {
        const args = [path.join(this.dir, "runner.js"), module, ...(construct ? ["construct"] : [])];
        const r = run(process.execPath, args, { cwd: this.dir, env: { ...process.env, ...env } });
        return JSON.parse(r.stdout.trim().split("\n").pop()!);
    }

    /** Imports the package from an ES module with named imports, constructs a WebserverPod under mocks. */
    importUnderMocks(): any {
        const r = run(process.execPath, [path.join(this.dir, "runner.mjs")], { cwd: this.dir });
        return JSON.parse(r.stdout.trim().split("\n").pop()!);
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
