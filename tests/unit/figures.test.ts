// The benchmark's figures quoted in README and the docs come from the results files the benchmarks
// wrote (bench/results*.md): every number in a quoting passage is one of the results' numbers, as
// written or rounded to the places the passage gives it. A figure typed by hand, or left behind
// when a new run changed the results, fails here with the passage and the number.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PRODUCTION_PRESET } from "../../components/defaults";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

/** A passage of a document that quotes a results file: from the line holding `from` to the one holding `to`. */
interface Quote {
    doc: string;
    from: string;
    to: string;
    results: string;
    /** Only the figures set in bold (the passage mixes in goals and earlier runs' figures, said as such). */
    boldOnly?: true;
    /** Figures the passage takes from the component, not a run: each with the value it is read from. */
    fromCode?: Record<string, string>;
}

const QUOTES: Quote[] = [
    {
        doc: "docs/benchmark.md",
        from: "- **Latency at saturation**",
        to: "## Against the OpenTelemetry Collector",
        results: "bench/results.md",
        boldOnly: true,
    },
    {
        doc: "docs/benchmark.md",
        from: "| | log agent (rsyslog) | OpenTelemetry Collector | ahead |",
        to: "What the figures say:",
        results: "bench/results-peer.md",
    },
    {
        doc: "docs/benchmark.md",
        from: "| | as shipped (no queue) | a queue in memory (**not shipped**) |",
        to: "- **One request a record.**",
        results: "bench/results-profile.md",
    },
    {
        doc: "README.md",
        from: "- **Against the peer you might pick instead**",
        to: "(mostly VictoriaLogs' own delay)",
        results: "bench/results-peer.md",
        fromCode: { "64": `the preset's sidecar memory limit ${PRODUCTION_PRESET.resources.sidecar.limits.memory}` },
    },
    {
        doc: "docs/benchmark.md",
        from: "| LogService | records/s, the three agents together |",
        to: "What the figures say: three agents",
        results: "bench/results-cluster.md",
        boldOnly: true,
    },
    {
        doc: "docs/delivery.md",
        from: "Against the OpenTelemetry Collector (`npm run bench:peer`",
        to: "its write with either.",
        results: "bench/results-peer.md",
    },
];

/** The numbers in a text: digit groups split by a space joined ("17 006"), decimals kept as written. */
export function numbersIn(text: string): string[] {
    return [...text.matchAll(/(?<![\w.])(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:\.\d+)?(?![\w]|\.\d)/g)].map((m) =>
        m[0].replace(/[ \u00a0]/g, ""),
    );
}

/**
 * Whether `figure`, as a passage writes it, is one of `results`: the same, or a result rounded to
 * the figure's places (its decimals; for a whole number, its trailing zeros: "600" is 624 to the hundred).
 */
export function quotes(figure: string, results: number[]): boolean {
    const decimals = figure.includes(".") ? figure.split(".")[1].length : 0;
    const zeros = decimals === 0 && /0+$/.test(figure) && figure !== "0" ? /0+$/.exec(figure)![0].length : 0;
    const step = decimals > 0 ? 10 ** -decimals : 10 ** zeros;
    const value = Number(figure);
    return results.some((r) => Math.abs(Math.round(r / step) * step - value) < step / 1000 || r === value);
}

/** The passage of `q.doc` it names; an anchor not found is an error (a passage renamed). */
function passage(q: Quote): string {
    const lines = read(q.doc).split("\n");
    const start = lines.findIndex((l) => l.includes(q.from));
    const end = lines.findIndex((l, i) => i >= start && l.includes(q.to));
    expect(start, `${q.doc}: "${q.from}"`).to.be.at.least(0);
    expect(end, `${q.doc}: "${q.to}" after "${q.from}"`).to.be.at.least(start);
    return lines.slice(start, end + 1).join("\n");
}

describe("the benchmark figures README and the docs quote", () => {
    it("reads numbers as the docs write them, and matches them rounded", () => {
        expect(numbersIn("17 006 (16 776-18 024), 0.61-0.82 s, 2.2×, kill -9, 0.8% of 10 000")).to.deep.equal([
            "17006",
            "16776",
            "18024",
            "0.61",
            "0.82",
            "2.2",
            "9",
            "0.8",
            "10000",
        ]);
        expect(numbersIn("6.18.44 x64 v1.52")).to.deep.equal([]);
        expect(quotes("16", [15.7])).to.equal(true);
        expect(quotes("15.7", [15.7])).to.equal(true);
        expect(quotes("600", [624])).to.equal(true);
        expect(quotes("624", [623])).to.equal(false);
        expect(quotes("0.50", [0.5])).to.equal(true);
        expect(quotes("0.51", [0.5])).to.equal(false);
        expect(quotes("332", [332.0])).to.equal(true);
        expect(quotes("0", [0])).to.equal(true);
        expect(quotes("0", [3])).to.equal(false);
    });

    for (const q of QUOTES)
        it(`${q.doc} at "${q.from.slice(0, 40)}": every ${q.boldOnly ? "bold " : ""}figure from ${q.results}`, () => {
            const text = passage(q);
            const results = numbersIn(read(q.results)).map(Number);
            const quoted = q.boldOnly ? [...text.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]).join(" ") : text;
            const figures = numbersIn(quoted);
            expect(figures.length, "figures in the passage").to.be.above(0);
            for (const [figure, value] of Object.entries(q.fromCode ?? {}))
                expect(value, `${figure} in ${q.doc}`).to.match(new RegExp(`\\b${figure}Mi$`));
            const fromCode = Object.keys(q.fromCode ?? {});
            expect(figures.filter((f) => !quotes(f, results) && !fromCode.includes(f))).to.deep.equal([]);
        });
});
