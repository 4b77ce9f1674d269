// The list `npm run mutate:shippers` applies stays in step with the scripts: each mutation's text is
// in its script exactly once (a script edited under it would otherwise make the run fail late), it
// changes the script, and its tests name real test titles.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { applyMutation, grepFor, occurrences, SHELL_MUTATIONS } from "../../scripts/lib/shellMutations";

const ROOT = path.resolve(__dirname, "..", "..");
const script = (f: string) => fs.readFileSync(path.join(ROOT, "components", "shipper", f), "utf8");

describe("shell mutations (npm run mutate:shippers)", () => {
    for (const m of SHELL_MUTATIONS) {
        it(`${m.name}: its text is in ${m.file} once, and the mutation changes the script`, () => {
            const text = script(m.file);
            expect(occurrences(text, m.from), m.from).to.equal(1);
            const broken = applyMutation(text, m);
            expect(broken).to.not.equal(text);
            expect(occurrences(broken, m.to)).to.be.at.least(1);
        });

        it(`${m.name}: each title it expects red is in its test files`, () => {
            const sources = m.tests.files.map((f) => fs.readFileSync(path.join(ROOT, "tests", "shipper", f), "utf8"));
            for (const title of m.tests.titles) {
                // The last words of a title are its `it(...)` text; what precedes them (a userland,
                // a describe) is in the full title mocha greps.
                const words = title.replace(/^GNU coreutils (retention )?/, "");
                expect(
                    sources.some((s) => s.includes(words)),
                    `"${words}" in ${m.tests.files.join(", ")}`,
                ).to.equal(true);
            }
        });
    }

    it("names are unique", () => {
        const names = SHELL_MUTATIONS.map((m) => m.name);
        expect(new Set(names).size).to.equal(names.length);
    });

    it("a text found twice, or not at all, is refused with the mutation's name", () => {
        const m = SHELL_MUTATIONS[0];
        expect(() => applyMutation("", m)).to.throw(`mutation ${m.name}: its text occurs 0 times`);
        expect(() => applyMutation(m.from + m.from, m)).to.throw("occurs 2 times");
    });

    it("grep patterns take titles literally", () => {
        const re = new RegExp(grepFor(["a (b) c?", "x|y"]));
        expect(re.test("suite a (b) c? test")).to.equal(true);
        expect(re.test("a b c")).to.equal(false);
        expect(re.test("x|y")).to.equal(true);
        expect(re.test("x")).to.equal(false);
    });
});
