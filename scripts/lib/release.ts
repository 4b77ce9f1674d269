// What a release checks and writes, pure: the tag against package.json's version, the CHANGELOG's
// entry for it (the GitHub release's notes), and package.json's repository fields for the
// repository it is published from. `npm run release` (scripts/release.ts) runs these in
// .github/workflows/release.yml; tests/unit/release.test.ts feeds them good and bad input.

/** One entry of CHANGELOG.md: `## [version] - date` (or `## [Unreleased]`) and the text under it. */
export interface ChangelogEntry {
    version: string;
    date?: string;
    body: string;
}

/** A release version: semver's MAJOR.MINOR.PATCH, with an optional pre-release (`1.0.0-rc.1`). */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** CHANGELOG.md's entries, newest first; a heading not of Keep a Changelog's form is an error. */
export function changelogEntries(changelog: string): ChangelogEntry[] {
    return changelog
        .split(/^## /m)
        .slice(1)
        .map((part) => {
            const [heading, ...rest] = part.split("\n");
            const m = /^\[([^\]]+)\](?: - (\S+))?\s*$/.exec(heading);
            if (!m)
                throw new Error(`CHANGELOG.md: a heading "## [version] - YYYY-MM-DD" expected, found "## ${heading}"`);
            return { version: m[1], date: m[2], body: rest.join("\n") };
        });
}

/**
 * The version a release tag names: `v` and package.json's version, exactly. Anything else is
 * refused with what the tag should have been, before anything is built or published.
 */
export function versionOfTag(tag: string, packageVersion: string): string {
    if (!SEMVER.test(packageVersion)) throw new Error(`package.json: version "${packageVersion}" is not semver`);
    if (tag !== `v${packageVersion}`)
        throw new Error(
            `release tag "${tag}" does not name package.json's version ${packageVersion}: tag v${packageVersion}, or set the version first (npm version)`,
        );
    return packageVersion;
}

/**
 * The release notes of `version`: its CHANGELOG entry's text, which must exist, be dated and say
 * something. The newest release must be it (an entry below it would be an older one published again).
 */
export function releaseNotes(changelog: string, version: string): string {
    const releases = changelogEntries(changelog).filter((e) => e.version !== "Unreleased");
    const entry = releases.find((e) => e.version === version);
    if (!entry)
        throw new Error(
            `CHANGELOG.md has no entry "## [${version}] - YYYY-MM-DD": move the Unreleased notes under it before tagging`,
        );
    if (releases[0] !== entry)
        throw new Error(
            `CHANGELOG.md's newest entry is ${releases[0].version}, not ${version}: tag the newest release`,
        );
    if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.date ?? ""))
        throw new Error(`CHANGELOG.md: the entry of ${version} has no date ("## [${version}] - YYYY-MM-DD")`);
    const body = entry.body.trim();
    if (!body) throw new Error(`CHANGELOG.md: the entry of ${version} is empty`);
    return `${body}\n`;
}

/** package.json's fields naming where a package comes from (npm's provenance checks repository.url). */
export interface RepositoryFields {
    repository: { type: "git"; url: string };
    homepage: string;
    bugs: { url: string };
}

/**
 * The repository fields for a package published from `repoUrl` (https://github.com/OWNER/NAME).
 * npm refuses a provenance whose repository.url names another repository, so a url already in
 * package.json must name this one: a fork publishing under the original's name is stopped here.
 */
export function repositoryFields(repoUrl: string, current: { repository?: unknown } = {}): RepositoryFields {
    const m = /^https:\/\/([A-Za-z0-9.-]+)\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repoUrl);
    if (!m) throw new Error(`repository url "${repoUrl}" is not https://HOST/OWNER/NAME`);
    const fields: RepositoryFields = {
        repository: { type: "git", url: `git+${repoUrl}.git` },
        homepage: `${repoUrl}#readme`,
        bugs: { url: `${repoUrl}/issues` },
    };
    const existing =
        typeof current.repository === "string"
            ? current.repository
            : (current.repository as { url?: string } | undefined)?.url;
    if (existing !== undefined && normalize(existing) !== normalize(fields.repository.url))
        throw new Error(
            `package.json's repository.url is "${existing}", but this release is built in ${repoUrl}: npm's provenance would not match`,
        );
    return fields;
}

const normalize = (url: string) =>
    url
        .replace(/^git\+/, "")
        .replace(/\.git$/, "")
        .toLowerCase();
