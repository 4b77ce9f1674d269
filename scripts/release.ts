// npm run release -- check TAG [--notes FILE]     the tag names package.json's version and
//                                                 CHANGELOG.md has its entry; writes the notes
// npm run release -- repository URL               package.json's repository/homepage/bugs for
//                                                 the repository the release is built in
// What .github/workflows/release.yml runs before it publishes (docs/releasing.md). Nothing here
// talks to a registry: a wrong tag or a missing entry stops the release before `npm publish`.
import * as fs from "fs";
import * as path from "path";
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { releaseNotes, repositoryFields, versionOfTag } from "./lib/release";

const ROOT = path.resolve(__dirname, "..");
const PACKAGE_JSON = path.join(ROOT, "package.json");

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, { notes: "" });
    const [command, value, ...rest] = flags.positionals;
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    const pkg = JSON.parse(fs.readFileSync(PACKAGE_JSON, "utf8"));
    if (command === "check" && value) {
        const version = versionOfTag(value, pkg.version);
        const notes = releaseNotes(fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8"), version);
        if (flags.notes) fs.writeFileSync(flags.notes, notes);
        console.log(
            `release ${value}: ${pkg.name}@${version}, CHANGELOG.md's entry of ${version} (${notes.length} characters)`,
        );
    } else if (command === "repository" && value) {
        const fields = repositoryFields(value, pkg);
        // Written in place of whatever was there (the same url, checked above), in package.json's order.
        fs.writeFileSync(PACKAGE_JSON, `${JSON.stringify({ ...pkg, ...fields }, null, 2)}\n`);
        console.log(`package.json: repository ${fields.repository.url}, homepage ${fields.homepage}`);
    } else {
        throw new UsageError("usage: npm run release -- check TAG [--notes FILE] | repository https://HOST/OWNER/NAME");
    }
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
