// scripts/lib/images.ts with a fake podman: where pulls must work (CI_REQUIRE_REAL_IMAGES=1, as
// ci.yml sets on GitHub's runners) a failed pull fails naming the image; elsewhere the stand-in runs.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Runs chooseImage in a child process whose podman has no images and cannot pull; the stand-in is "cached". */
function choose(env: Record<string, string>) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "podman-bin-"));
    fs.writeFileSync(
        path.join(bin, "podman"),
        `#!/bin/sh
case "$1 $2" in
  "image exists") case "$3" in localhost/*) exit 0 ;; *) exit 1 ;; esac ;;
  "pull --quiet") echo "Error: initializing source docker://$3: pinging container registry: no route" >&2; exit 125 ;;
esac
exit 0
`,
        { mode: 0o755 },
    );
    const code = `const { chooseImage } = require("./scripts/lib/images");
        try { console.log(JSON.stringify(chooseImage("rsyslog/rsyslog-collector:2026-04", "rsyslog", () => {}))); }
        catch (e) { console.error(e.message); process.exit(3); }`;
    return spawnSync(process.execPath, ["-r", "sucrase/register/ts", "-e", code], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, XDG_CACHE_HOME: bin, ...env },
    });
}

describe("images: the default image, or a stand-in only where pulls cannot work", () => {
    it("uses the stand-in when the pull fails and nothing requires the real image", () => {
        const r = choose({ CI_REQUIRE_REAL_IMAGES: "" });
        expect(r.status, r.stderr).to.equal(0);
        const choice = JSON.parse(r.stdout);
        expect(choice.used).to.match(/^localhost\/webserver-standin-rsyslog:/);
        expect(choice.requested).to.equal("rsyslog/rsyslog-collector:2026-04");
    });

    it("with CI_REQUIRE_REAL_IMAGES=1, a failed pull fails the run naming the image and the reason", () => {
        const r = choose({ CI_REQUIRE_REAL_IMAGES: "1" });
        expect(r.status).to.equal(3);
        expect(r.stderr)
            .to.contain("cannot pull rsyslog/rsyslog-collector:2026-04")
            .and.contain("no route")
            .and.contain("CI_REQUIRE_REAL_IMAGES=1 forbids a stand-in");
    });
});
