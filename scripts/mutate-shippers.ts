// npm run mutate:shippers [-- NAME...]: breaks the shell shippers on purpose, one named mutation
// at a time (scripts/lib/shellMutations.ts), and runs the shipper tests named beside each against
// the broken script, expecting them red. First the same tests on the unbroken scripts, which must
// be green: a red there says the suite, not the mutation, failed.
//
// Works on a copy of the project (the tracked and untracked files as they are in the working
// tree, node_modules linked), so the checkout is never left mutated, even by a kill. Prints a
// line per mutation as it ends and a Markdown table at the end (docs/testing.md holds the last
// one); exits 1 when a mutation survived or the baseline was red.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { applyMutation, grepFor, SHELL_MUTATIONS, ShellMutation } from "./lib/shellMutations";

const ROOT = path.resolve(__dirname, "..");

interface Outcome {
    readonly name: string;
    readonly verdict: "killed" | "survived";
    readonly passing: number;
    readonly failing: number;
    readonly seconds: number;
    readonly firstFailure: string;
}

function projectCopy(): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "mutate-shippers-"));
    const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
        cwd: ROOT,
        encoding: "utf8",
    });
    if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
    for (const f of listed.stdout.split("\0").filter(Boolean)) {
        const from = path.join(ROOT, f);
        if (!fs.existsSync(from)) continue; // deleted in the working tree
        fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
        fs.copyFileSync(from, path.join(copy, f));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
    return copy;
}

function runTests(copy: string, files: readonly string[], titles: readonly string[]) {
    const started = Date.now();
    const r = spawnSync(
        path.join(copy, "node_modules", ".bin", "mocha"),
        [
            "--forbid-only",
            "--forbid-pending",
            "--timeout",
            "120000",
            "--grep",
            grepFor(titles),
            ...files.map((f) => path.join("tests", "shipper", f)),
        ],
        { cwd: copy, encoding: "utf8", maxBuffer: 256 * 2 ** 20 },
    );
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(out)?.[1] ?? 0);
    // mocha's first failure: "1) <suite>", the title's lines, then the error's first line.
    const failure = /\n\s+1\) [\s\S]*?\n\s+((?:\w*Error|Uncaught)\b[^\n]*)/.exec(out)?.[1]?.trim() ?? "";
    return {
        code: r.status ?? 1,
        passing: count("passing"),
        failing: count("failing"),
        seconds: (Date.now() - started) / 1000,
        firstFailure: failure,
        out,
    };
}

function main(): number {
    const wanted = process.argv.slice(2);
    const unknown = wanted.filter((w) => !SHELL_MUTATIONS.some((m) => m.name === w));
    if (unknown.length > 0) {
        console.error(
            `mutate:shippers: no mutation named ${unknown.join(", ")}; the list: ${SHELL_MUTATIONS.map((m) => m.name).join(", ")}`,
        );
        return 2;
    }
    const chosen: ShellMutation[] = SHELL_MUTATIONS.filter((m) => wanted.length === 0 || wanted.includes(m.name));
    const copy = projectCopy();
    const shipperDir = path.join(copy, "components", "shipper");
    const originals = new Map<string, string>();
    for (const m of chosen) originals.set(m.file, fs.readFileSync(path.join(shipperDir, m.file), "utf8"));
    // Every mutation's text is there once before anything runs: a stale list fails at once.
    for (const m of chosen) applyMutation(originals.get(m.file)!, m);
    try {
        const files = [...new Set(chosen.flatMap((m) => m.tests.files))];
        const titles = [...new Set(chosen.flatMap((m) => m.tests.titles))];
        console.log(`baseline: the ${titles.length} named tests on the unbroken scripts (${files.join(", ")})`);
        const base = runTests(copy, files, titles);
        console.log(`baseline: ${base.passing} passing, ${base.failing} failing in ${base.seconds.toFixed(0)} s`);
        if (base.code !== 0 || base.passing === 0) {
            console.error(base.out.slice(-8000));
            console.error("mutate:shippers: the named tests are not green on the unbroken scripts; nothing mutated");
            return 1;
        }
        const outcomes: Outcome[] = [];
        for (const m of chosen) {
            for (const [file, text] of originals) fs.writeFileSync(path.join(shipperDir, file), text);
            fs.writeFileSync(path.join(shipperDir, m.file), applyMutation(originals.get(m.file)!, m));
            const r = runTests(copy, m.tests.files, m.tests.titles);
            if (r.passing + r.failing === 0) {
                console.error(r.out.slice(-4000));
                throw new Error(`mutation ${m.name}: its titles matched no test (${m.tests.titles.join(" | ")})`);
            }
            const o: Outcome = {
                name: m.name,
                verdict: r.code !== 0 && r.failing > 0 ? "killed" : "survived",
                passing: r.passing,
                failing: r.failing,
                seconds: r.seconds,
                firstFailure: r.firstFailure,
            };
            outcomes.push(o);
            console.log(
                `${o.verdict.padEnd(8)} ${m.name} (${m.file}): ${o.failing} failing, ${o.passing} passing in ${o.seconds.toFixed(0)} s${o.firstFailure ? `: ${o.firstFailure}` : ""}`,
            );
        }
        console.log("\n| mutation | script | breaks | tests red | first failure |\n|---|---|---|---|---|");
        for (const o of outcomes) {
            const m = chosen.find((x) => x.name === o.name)!;
            const red = o.verdict === "killed" ? `${o.failing} of ${o.failing + o.passing}` : "**none: survived**";
            console.log(
                `| \`${o.name}\` | ${m.file} | ${m.breaks} | ${red} | ${o.firstFailure.replace(/\|/g, "\\|")} |`,
            );
        }
        const survived = outcomes.filter((o) => o.verdict === "survived");
        console.log(`\n${outcomes.length - survived.length} killed, ${survived.length} survived`);
        return survived.length === 0 ? 0 : 1;
    } finally {
        fs.rmSync(copy, { recursive: true, force: true });
    }
}

process.exitCode = main();
