// What a release refuses before it publishes (scripts/lib/release.ts, run by release.yml through
// `npm run release`): a tag that is not package.json's version, a CHANGELOG without its dated
// entry, a repository.url naming another repository; and what it writes: the entry as the notes,
// package.json's repository fields.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { changelogEntries, releaseNotes, repositoryFields, versionOfTag } from "../../scripts/lib/release";

const ROOT = path.resolve(__dirname, "..", "..");

const CHANGELOG = `# Changelog

## [Unreleased]

- next

## [1.2.0] - 2026-12-01

### Added

- a thing

## [1.1.0] - 2026-11-01

- older
`;

describe("release checks (npm run release)", () => {
    it("a tag must be v and package.json's version, exactly", () => {
        expect(versionOfTag("v1.2.0", "1.2.0")).to.equal("1.2.0");
        expect(versionOfTag("v1.2.0-rc.1", "1.2.0-rc.1")).to.equal("1.2.0-rc.1");
        for (const tag of ["1.2.0", "v1.2", "v1.2.1", "release-1.2.0", "v1.2.0 "])
            expect(() => versionOfTag(tag, "1.2.0"), tag).to.throw(
                `release tag "${tag}" does not name package.json's version 1.2.0: tag v1.2.0`,
            );
        expect(() => versionOfTag("v1.2", "1.2")).to.throw('package.json: version "1.2" is not semver');
        expect(() => versionOfTag("v01.2.0", "01.2.0")).to.throw("is not semver");
    });

    it("the notes are the version's CHANGELOG entry, which must be the newest, dated and not empty", () => {
        expect(releaseNotes(CHANGELOG, "1.2.0")).to.equal("### Added\n\n- a thing\n");
        expect(() => releaseNotes(CHANGELOG, "1.3.0")).to.throw('CHANGELOG.md has no entry "## [1.3.0] - YYYY-MM-DD"');
        expect(() => releaseNotes(CHANGELOG, "1.1.0")).to.throw("newest entry is 1.2.0, not 1.1.0");
        expect(() => releaseNotes(CHANGELOG.replace("[1.2.0] - 2026-12-01", "[1.2.0]"), "1.2.0")).to.throw(
            "the entry of 1.2.0 has no date",
        );
        expect(() => releaseNotes("## [1.2.0] - 2026-12-01\n\n\n## [1.1.0] - 2026-11-01\n- x\n", "1.2.0")).to.throw(
            "the entry of 1.2.0 is empty",
        );
        expect(() => changelogEntries("## 1.2.0\n")).to.throw('found "## 1.2.0"');
    });

    it("this repository's CHANGELOG gives notes for package.json's version", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const notes = releaseNotes(fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8"), pkg.version);
        expect(notes).to.match(/^### /);
        expect(notes).to.not.contain("## [");
    });

    it("package.json's repository fields name the repository the release is built in, or it stops", () => {
        expect(repositoryFields("https://github.com/acme/webserver-sidecar")).to.deep.equal({
            repository: { type: "git", url: "git+https://github.com/acme/webserver-sidecar.git" },
            homepage: "https://github.com/acme/webserver-sidecar#readme",
            bugs: { url: "https://github.com/acme/webserver-sidecar/issues" },
        });
        // The same repository, as npm writes it or as a string: accepted.
        for (const repository of [
            { url: "git+https://github.com/Acme/webserver-sidecar.git" },
            "https://github.com/acme/webserver-sidecar",
        ])
            expect(() => repositoryFields("https://github.com/acme/webserver-sidecar", { repository })).to.not.throw();
        expect(() =>
            repositoryFields("https://github.com/fork/webserver-sidecar", {
                repository: { url: "git+https://github.com/acme/webserver-sidecar.git" },
            }),
        ).to.throw("but this release is built in https://github.com/fork/webserver-sidecar");
        for (const url of [
            "github.com/acme/x",
            "https://github.com/acme",
            "https://github.com/acme/x/y",
            'https://h/o/n"',
        ])
            expect(() => repositoryFields(url), url).to.throw(`repository url "${url}" is not https://HOST/OWNER/NAME`);
    });

    it("npm run release refuses a wrong tag with exit 1 and one line naming it", () => {
        const r = spawnSync("node", ["-r", "sucrase/register/ts", "scripts/release.ts", "check", "v99.0.0"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.match(/^error: release tag "v99\.0\.0" does not name package\.json's version /);
    });
});
