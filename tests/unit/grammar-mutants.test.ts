// Cases Stryker found unguarded in components/grammar.ts (npm run mutate, docs/testing.md): each
// pins the behaviour a surviving mutant changed. One was a defect: "1E" and "1Ei" (exa, exbi) were
// read as malformed exponents, their value NaN.
import { expect } from "chai";
import {
    closest,
    durationSeconds,
    editDistance,
    formatBytes,
    isImageReference,
    isUrlHost,
    parseHostPort,
    parseQuantity,
    qualifiedKeyProblem,
} from "../../components/grammar";

describe("components/grammar.ts, the cases mutation testing asked for", () => {
    it("quantities with an exponent: a sign or none, one digit or more; exa and exbi are suffixes, not exponents", () => {
        const value = (q: string) => parseQuantity(q)?.value;
        expect(value("1e3")).to.equal(1000);
        expect(value("1E+3")).to.equal(1000);
        expect(value("25e-1")).to.equal(2.5);
        expect(value("1e12")).to.equal(1e12);
        expect(value(".5")).to.equal(0.5);
        expect(value("2E")).to.equal(2e18);
        expect(value("1Ei")).to.equal(2 ** 60);
        for (const bad of ["1e", "1e+", "1x3", ".x", "1e3x", "e3"]) expect(parseQuantity(bad), bad).to.equal(undefined);
    });

    it("URL hosts: brackets only around an IPv6 address, digits-and-dots only as an IPv4 address", () => {
        expect(isUrlHost("[::1]")).to.equal(true);
        expect(isUrlHost("[::1")).to.equal(false);
        expect(isUrlHost("::1]")).to.equal(false);
        expect(isUrlHost("a::1]")).to.equal(false);
        expect(isUrlHost("logs.1")).to.equal(true);
        expect(isUrlHost("1.logs")).to.equal(true);
        expect(isUrlHost("10.0.0.1")).to.equal(true);
        expect(isUrlHost("10.0.0.256")).to.equal(false);
    });

    it("host:port is the whole string: a host with a colon before the port is not a host", () => {
        expect(parseHostPort("logs.example.com:2514")).to.deep.equal({ host: "logs.example.com", port: 2514 });
        expect(parseHostPort("a:b:80")).to.equal(undefined);
        expect(parseHostPort("[::1]:80")).to.deep.equal({ host: "::1", port: 80 });
        // ... and ends with the port: nothing after it, not a sixth digit.
        expect(parseHostPort("logs.example.com:2514x")).to.equal(undefined);
        expect(parseHostPort("logs.example.com:123456")).to.equal(undefined);
    });

    it("a key's bad name is explained in full", () => {
        expect(qualifiedKeyProblem("-x")).to.equal(
            "name must be 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (optionally prefixed by a DNS subdomain and '/')",
        );
    });

    it("image references up to 4096 characters", () => {
        expect(isImageReference("a".repeat(4096))).to.equal(true);
        expect(isImageReference("a".repeat(4097))).to.equal(false);
    });

    it("formatBytes at each unit's exact boundary", () => {
        expect(formatBytes(2 ** 10)).to.equal("1Ki");
        expect(formatBytes(2 ** 20)).to.equal("1Mi");
        expect(formatBytes(2 ** 30)).to.equal("1Gi");
        expect(formatBytes(1023)).to.equal("1023");
    });

    it("durations: only whole strings of number-unit pairs", () => {
        expect(durationSeconds("1d12h")).to.equal(129600);
        for (const bad of ["abc", "x1h", "1hx", "", "1"]) expect(durationSeconds(bad), bad).to.equal(undefined);
    });

    it("edit distance: insertions, deletions, substitutions and adjacent transpositions (optimal string alignment)", () => {
        const cases: Array<[string, string, number]> = [
            ["", "", 0],
            ["", "abc", 3],
            ["abc", "", 3],
            ["abc", "abc", 0],
            ["a", "b", 1],
            ["ab", "ba", 1],
            ["abcd", "bacd", 1],
            ["abcd", "abdc", 1],
            ["abcdef", "abdcef", 1],
            ["xabx", "xbax", 1],
            ["kitten", "sitting", 3],
            ["ca", "abc", 3],
            ["abcd", "badc", 2],
        ];
        for (const [a, b, d] of cases) expect(editDistance(a, b), `${a} -> ${b}`).to.equal(d);
    });

    it("closest: the first of equally close names; close enough is at most max(2, a third of the name)", () => {
        expect(closest("ab", ["ac", "ad"])).to.equal("ac");
        expect(closest("abcdef", ["abcdXY"])).to.equal("abcdXY"); // 2 of 6
        expect(closest("abcdef", ["abcXYZ"])).to.equal(undefined); // 3 of 6
        expect(closest("abcdefghi", ["abcdefXYZ"])).to.equal("abcdefXYZ"); // 3 of 9
        expect(closest("abcdefghi", ["abcdeWXYZ"])).to.equal(undefined); // 4 of 9
    });
});
