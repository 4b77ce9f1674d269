// Upgrading: the release CHANGELOG.md names last (its commit: tags may not travel with a clone)
// deploys the dev and prod stacks, then this code previews and updates them. Nothing running is
// replaced -- not the seed Pod, not the Deployment, not the LogService's StatefulSet or its claim
// -- unless the CHANGELOG's upgrade notes name it.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import {
    kubectl,
    logServicePasswords,
    logServiceVolume,
    Project,
    report,
    requirePrerequisites,
    ROOT,
    Workdir,
} from "./harness";
import { stepsOf } from "./steps";

/** The commit of the oldest release CHANGELOG.md names ("Commit `abc1234`."), and its version. */
function lastRelease(): { version: string; commit: string } {
    const text = fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8");
    const entries = [...text.matchAll(/^## \[(\d+\.\d+\.\d+)\][^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/gm)];
    for (const [, version, body] of entries.reverse()) {
        const m = /^Commit `([0-9a-f]{7,40})`\./m.exec(body);
        if (m) return { version, commit: m[1] };
    }
    throw new Error("CHANGELOG.md names no release commit");
}

/** Where the program is in the checkout of `commit`: program/ since 0.3.0, the root before. */
function programDirAt(commit: string): string {
    const inProgram = spawnSync("git", ["cat-file", "-e", `${commit}:program/Pulumi.yaml`], { cwd: ROOT });
    return inProgram.status === 0 ? "program" : ".";
}

/** The program's files at `commit` (as a user's checkout of that release), its node_modules linked. */
class Release extends Workdir {
    constructor(readonly commit: string) {
        super("release", programDirAt(commit));
        const archive = spawnSync("git", ["archive", "--format=tar", commit], { cwd: ROOT, maxBuffer: 512 * 2 ** 20 });
        if (archive.status !== 0)
            throw new Error(`git archive ${commit}: ${archive.stderr.toString()} (a shallow clone? fetch its history)`);
        const untar = spawnSync("tar", ["-x", "-C", this.root], { input: archive.stdout });
        if (untar.status !== 0) throw new Error(`tar: ${untar.stderr.toString()}`);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.root, "node_modules"));
    }
}

describe("integration: upgrading from the last release to this code (pulumi preview, up)", function () {
    this.timeout(30 * 60_000);
    const release = lastRelease();
    let old: Release | undefined;
    let current: Project | undefined;
    let removeVolume = () => {};

    before(() => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-upgrade");
        old = new Release(release.commit);
        // The current code on the same state: the stacks the release deployed.
        current = new Project("upgrade");
        current.env = old.env;
        for (const stack of ["dev", "prod"]) {
            old.must(["stack", "init", stack], { quiet: true });
            old.must(["up", "--yes", "--stack", stack], { quiet: true });
        }
        report(`release ${release.version} (commit ${release.commit}) deployed the dev and prod stacks`);
    });

    after(() => {
        try {
            current?.tearDown(["dev", "prod"], ["pod/webserver", "deployment/webserver", "statefulset/logs"]);
        } finally {
            removeVolume();
            old?.dispose();
        }
    });

    it("the dev stack (the seed Pod): nothing to change", () => {
        const preview = current!.must(["preview", "--diff", "--stack", "dev"], { quiet: true });
        const steps = stepsOf(preview.out);
        report(`dev: ${JSON.stringify(steps)}`);
        expect(steps).to.deep.equal([]);
        expect(preview.out).to.match(/\d+ unchanged/);
    });

    it("the prod stack: nothing replaced or deleted but a ConfigMap named by its content; pulumi up rolls the Deployment in place", () => {
        const uid = (kind: string, name: string) =>
            JSON.parse(kubectl(["get", kind, name, "-o", "json"]).stdout).metadata.uid as string;
        const before = {
            deployment: uid("deployment", "webserver"),
            statefulset: uid("statefulset", "logs"),
            claim: uid("pvc", "storage-logs-0"),
        };
        // The upgrade notes (CHANGELOG.md, "A LogService is closed by default"): its two passwords,
        // set as secrets on the stack. Its StatefulSet then rolls in place with vmauth beside VictoriaLogs.
        current!.setSecrets("prod", logServicePasswords(), "webserver-sidecar");
        const preview = current!.must(["preview", "--diff", "--stack", "prod"], { quiet: true });
        const steps = stepsOf(preview.out);
        report(`prod: ${JSON.stringify(steps)}`);
        // A ConfigMap is named by its content: a changed config is a new one (the Pulumi resource
        // replaced, create first), the old one deleted once nothing mounts it.
        const drastic = steps.filter(
            (s) => (s.startsWith("replace ") || s.startsWith("delete ")) && !s.endsWith(":ConfigMap"),
        );
        expect(drastic, "replaced or deleted").to.deep.equal([]);
        current!.must(["up", "--yes", "--stack", "prod"], { quiet: true });
        expect({
            deployment: uid("deployment", "webserver"),
            statefulset: uid("statefulset", "logs"),
            claim: uid("pvc", "storage-logs-0"),
        }).to.deep.equal(before);
        expect(current!.outputs("prod").readyReplicas).to.equal("2/2");
        expect(current!.outputs("prod").logServiceAccess).to.equal("closed");
        const logs = JSON.parse(kubectl(["get", "pod", "logs-0", "-o", "json"]).stdout);
        expect(logs.spec.containers.map((c: any) => c.name)).to.deep.equal(["vmauth", "victoria-logs"]);
    });
});
