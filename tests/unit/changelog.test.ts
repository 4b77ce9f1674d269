// The release number lives in package.json alone; CHANGELOG.md's newest entry and README's
// tarball name follow it, and every entry is one a user can act on.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ChangelogEntry, changelogEntries } from "../../scripts/lib/release";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

/** CHANGELOG.md's entries, parsed as a release reads them (scripts/lib/release.ts). */
const entries = (): ChangelogEntry[] => changelogEntries(read("CHANGELOG.md"));

describe("CHANGELOG.md and the version", () => {
    const version: string = JSON.parse(read("package.json")).version;

    it("its newest release is package.json's version, under an Unreleased section", () => {
        const [unreleased, newest] = entries();
        expect(unreleased.version).to.equal("Unreleased");
        expect(newest.version).to.equal(version);
        expect(JSON.parse(read("package-lock.json")).version, "package-lock.json").to.equal(version);
    });

    it("every release is semver, dated, newer than the one below it; a breaking one says how to upgrade", () => {
        const releases = entries().slice(1);
        const parse = (v: string) => v.split(".").map(Number);
        for (const [i, r] of releases.entries()) {
            expect(r.version, "semver").to.match(/^\d+\.\d+\.\d+$/);
            expect(r.date, `${r.version}'s date`).to.match(/^\d{4}-\d{2}-\d{2}$/);
            const below = releases[i + 1];
            if (below) {
                const [a, b] = [parse(r.version), parse(below.version)];
                const newer = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
                expect(newer, `${r.version} above ${below.version}`).to.be.greaterThan(0);
            }
            if (/^### Changed \(breaking\)/m.test(r.body))
                expect(r.body, `${r.version}: an "Upgrading" section`).to.match(/^### Upgrading from /m);
        }
        // The oldest names its commit: the upgrade test's starting point, where tags did not travel.
        expect(releases[releases.length - 1].body).to.match(/^Commit `[0-9a-f]{7,40}`\./m);
    });

    it("README's install lines name the version's tarball", () => {
        const tarballs = [...read("README.md").matchAll(/webserver-sidecar-(\d+\.\d+\.\d+)\.tgz/g)].map((m) => m[1]);
        expect(tarballs).to.have.length.greaterThan(0);
        for (const v of tarballs) expect(v).to.equal(version);
    });
});
