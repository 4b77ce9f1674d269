// `npm run mutate` (Stryker) stays pointed at what it is meant to mutate and test: each pattern of
// stryker.config.json names files that exist, its mocha config runs the unit suite npm test runs
// (less the two tests that read the checkout, which Stryker's sandbox copy is not), and the
// report it writes is where docs/testing.md says.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, f), "utf8"));

/** The files a pattern of the form dir/**\/*.ts or a plain path names. */
function filesOf(pattern: string): string[] {
    const m = /^(.*)\/\*\*\/\*\.ts$/.exec(pattern);
    if (!m) return fs.existsSync(path.join(ROOT, pattern)) ? [pattern] : [];
    const walk = (d: string): string[] =>
        fs
            .readdirSync(path.join(ROOT, d), { withFileTypes: true })
            .flatMap((e) =>
                e.isDirectory() ? walk(`${d}/${e.name}`) : e.name.endsWith(".ts") ? [`${d}/${e.name}`] : [],
            );
    return fs.existsSync(path.join(ROOT, m[1])) ? walk(m[1]) : [];
}

describe("mutation testing (npm run mutate: Stryker)", () => {
    const config = read("stryker.config.json");
    const mocharc = read(".mocharc.stryker.json");
    const pkg = read("package.json");

    it("mutates the validation, the grammar, retention and the agent's config, each pattern naming files", () => {
        expect(config.mutate).to.deep.equal([
            "components/validate/**/*.ts",
            "components/grammar.ts",
            "components/retention.ts",
            "components/agentConf.ts",
        ]);
        for (const p of config.mutate) expect(filesOf(p).length, p).to.be.above(0);
    });

    it("runs the unit suite npm test runs, with mocha's same guards, but for the repository test", () => {
        expect(config.testRunner).to.equal("mocha");
        expect(config.mochaOptions.config).to.equal(".mocharc.stryker.json");
        expect(pkg.scripts.test).to.contain(`'${mocharc.spec[0]}'`);
        expect(mocharc.spec).to.have.length(1);
        // Both read the checkout (git, the committed report), which Stryker's sandbox copy leaves out.
        expect(mocharc.ignore).to.deep.equal(["tests/unit/repository.test.ts", "tests/unit/stryker.test.ts"]);
        expect(mocharc.forbidOnly).to.equal(true);
        expect(mocharc.forbidPending).to.equal(true);
        expect(mocharc.require).to.deep.equal(read(".mocharc.json").require);
    });

    it("type-checks mutants, runs incrementally, and writes the report docs/testing.md names", () => {
        expect(config.checkers).to.deep.equal(["typescript"]);
        expect(config.incremental).to.equal(true);
        const docs = fs.readFileSync(path.join(ROOT, "docs", "testing.md"), "utf8");
        expect(docs).to.contain(config.incrementalFile);
        const report = read(config.incrementalFile);
        expect(report.schemaVersion, "the last run's report is committed").to.be.a("string");
        // The report covers what the run mutates: a file no longer mutated would be counted forever.
        expect(
            Object.keys(report.files).every((f) => config.mutate.some((p: string) => filesOf(p).includes(f))),
        ).to.equal(true);
        expect(Object.keys(report.files).length, "mutated files the report covers").to.be.above(0);
        expect(pkg.scripts.mutate).to.equal("stryker run");
    });

    it("npm run mutate:policy: the rules alone, against the suites that import them, with the same guards", async () => {
        expect(pkg.scripts["mutate:policy"]).to.equal("stryker run stryker.policy.config.mjs");
        const policy = (await import(path.join(ROOT, "stryker.policy.config.mjs"))).default;
        expect(policy.mutate).to.deep.equal(["policy/rules.ts"]);
        // Its own report, committed and named in docs/testing.md, beside the other run's.
        expect(policy.incrementalFile).to.equal("reports/stryker-policy.json");
        expect(policy.htmlReporter.fileName).to.not.equal(config.htmlReporter.fileName);
        expect(fs.readFileSync(path.join(ROOT, "docs", "testing.md"), "utf8")).to.contain(policy.incrementalFile);
        expect(Object.keys(read(policy.incrementalFile).files)).to.deep.equal(["policy/rules.ts"]);
        const own = ["mutate", "mochaOptions", "incrementalFile", "htmlReporter"];
        const without = (c: Record<string, unknown>) =>
            Object.fromEntries(Object.entries(c).filter(([k]) => !own.includes(k)));
        expect(without(policy), "everything else as stryker.config.json").to.deep.equal(without(config));
        const rc = read(policy.mochaOptions.config);
        expect(rc.forbidOnly && rc.forbidPending).to.equal(true);
        // Every unit test file that reaches policy/ (an import of it, or of the render that runs it) is in.
        const reaching = fs
            .readdirSync(path.join(ROOT, "tests", "unit"))
            .filter((f) => f.endsWith(".test.ts") && !mocharc.ignore.includes(`tests/unit/${f}`))
            .filter((f) =>
                /from "\.\.\/\.\.\/(policy\/|scripts\/render|scripts\/lib\/render)/.test(
                    fs.readFileSync(path.join(ROOT, "tests", "unit", f), "utf8"),
                ),
            )
            .map((f) => `tests/unit/${f}`);
        expect(rc.spec.slice().sort()).to.deep.equal(reaching.sort());
    });
});
