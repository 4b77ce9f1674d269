// README.md and docs/: every relative link points at a file of the repository, and every #anchor
// at a heading of its target (as GitHub makes anchors), so moving a section breaks no link.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`)];

/** GitHub's anchor of a heading. */
const slug = (h: string) =>
    h
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");

function anchors(file: string): Set<string> {
    let fence = false;
    const out = new Set<string>();
    for (const line of fs.readFileSync(path.join(ROOT, file), "utf8").split("\n")) {
        if (line.startsWith("```")) fence = !fence;
        const m = /^#{1,6} (.*)$/.exec(line);
        if (m && !fence) out.add(slug(m[1]));
    }
    return out;
}

describe("README.md and docs/: links", () => {
    it("has the docs README links to", () => {
        expect(DOCS.length, "docs/*.md").to.be.above(5);
    });

    for (const file of DOCS) {
        it(`${file}: every relative link and anchor resolves`, () => {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
            const broken: string[] = [];
            for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                const target = m[1];
                if (/^[a-z]+:/.test(target)) continue;
                const [rel, anchor] = target.split("#");
                const resolved = rel ? path.normalize(path.join(path.dirname(file), rel)) : file;
                if (!fs.existsSync(path.join(ROOT, resolved))) broken.push(`${target}: no ${resolved}`);
                else if (anchor !== undefined && resolved.endsWith(".md") && !anchors(resolved).has(anchor))
                    broken.push(`${target}: no heading #${anchor} in ${resolved}`);
            }
            expect(broken).to.deep.equal([]);
        });
    }
});
