// The component as users get it from npm: build, pack, install the tarball into a fresh consumer
// project, compile a consumer program against the package's types, run it under mocks.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { run } from "../../scripts/lib/exec";
import { seedPod } from "../helpers/fixtures";
import { Consumer, ROOT, writeConsumerTsconfig } from "./consumer";

const WORK = path.join(ROOT, ".pack-test", "tarball");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

const CONSUMER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { WebserverPod, WebserverPodArgs, SecurityProfile } from "webserver-sidecar";

const args: WebserverPodArgs = process.env.PROFILE === "restricted" ? { security: SecurityProfile.Restricted } : {};
const web = new WebserverPod("webserver", args); // the seed's name: object names derive from it
export const ready: pulumi.Output<string | undefined> = web.readyContainers;
`;

describe("the component as an npm package", function () {
    this.timeout(300_000);
    let consumer: Consumer;
    let CONSUMER: string;
    let tarball = "";

    before(() => {
        consumer = new Consumer(path.join(WORK, "consumer"));
        CONSUMER = consumer.dir;
        // npm pack runs the package's `prepare` (the build), as npm publish does.
        const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", WORK], { cwd: ROOT }).stdout);
        tarball = path.join(WORK, packed[0].filename);
        consumer.install(tarball);
    });

    it("is accepted by npm publish --provenance as release.yml runs it (dry run: nothing is sent)", () => {
        const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
        // The dry run packs and checks the name and version, but not what only the registry refuses:
        // that is read from the manifest in the tarball.
        const manifest = JSON.parse(run("tar", ["-xOzf", tarball, "package/package.json"]).stdout);
        expect(manifest.private, "a private package is never published").to.not.equal(true);
        expect(manifest.publishConfig, "publishConfig would override release.yml's registry and access").to.equal(
            undefined,
        );
        const r = run(
            "npm",
            ["publish", tarball, "--provenance", "--access", "public", "--dry-run", "--json", "--loglevel=notice"],
            {
                cwd: WORK,
            },
        );
        const published = JSON.parse(r.stdout)["webserver-sidecar"];
        expect(published.id).to.equal(`webserver-sidecar@${version}`);
        expect(r.stderr).to.contain("with tag latest and public access (dry-run)");
        console.log(
            `      | npm publish --dry-run: ${published.id}, ${published.entryCount} files, ${published.size} bytes packed`,
        );
    });

    after(() => fs.rmSync(WORK, { recursive: true, force: true }));

    it("ships compiled JavaScript, declarations and the plugin manifest, and no tests or scripts", () => {
        const files: string[] = JSON.parse(
            run("npm", ["pack", "--dry-run", "--json"], { cwd: ROOT }).stdout,
        )[0].files.map((f: any) => f.path);
        expect(files).to.include.members([
            "dist/index.js",
            "dist/index.d.ts",
            "dist/webserverPod.js",
            "dist/shipper/stream.sh",
            "PulumiPlugin.yaml",
            "package.json",
            "README.md",
            "LICENSE",
        ]);
        expect(
            files.filter((f) => f.startsWith("tests/") || f.startsWith("scripts/") || f.startsWith(".ci/")),
        ).to.deep.equal([]);
        const pkg = JSON.parse(
            fs.readFileSync(path.join(CONSUMER, "node_modules", "webserver-sidecar", "package.json"), "utf8"),
        );
        expect(pkg.peerDependencies).to.have.keys("@pulumi/pulumi", "@pulumi/kubernetes");
        expect(pkg.dependencies ?? {}).to.not.have.any.keys("@pulumi/pulumi", "@pulumi/kubernetes");
        expect(
            fs.existsSync(path.join(CONSUMER, "node_modules", "@pulumi")),
            "no second copy of the SDK in the consumer",
        ).to.equal(false);
    });

    it("registers no resource when imported", () => {
        const out = consumer.requireUnderMocks("webserver-sidecar");
        expect(out.registered).to.deep.equal([]);
        expect(out.exports).to.include.members([
            "WebserverPod",
            "buildManifests",
            "validateArgs",
            "WebserverPodArgError",
        ]);
    });

    it("type-checks a consumer program against the package's declarations", () => {
        fs.writeFileSync(path.join(CONSUMER, "index.ts"), CONSUMER_PROGRAM);
        writeConsumerTsconfig(CONSUMER);
        run(process.execPath, [TSC, "-p", "."], { cwd: CONSUMER });
        // A wrong argument type must not compile: the declarations are real, not `any`.
        fs.writeFileSync(
            path.join(CONSUMER, "bad.ts"),
            `import { WebserverPod } from "webserver-sidecar";\nnew WebserverPod("x", { podName: 42 });\n`,
        );
        const bad = run(process.execPath, [TSC, "--noEmit", "--strict", "--skipLibCheck", "bad.ts"], {
            cwd: CONSUMER,
            allowFail: true,
        });
        expect(bad.code).to.not.equal(0);
        expect(bad.stdout).to.contain("bad.ts(2,").and.contain("error TS2322");
    });

    it("the consumer program registers the seed Pod under the component", () => {
        const out = consumer.requireUnderMocks("./bin/index.js");
        const types = out.registered.map((r: any) => r.type);
        expect(types).to.deep.equal(["webserver-sidecar:index:WebserverPod", "kubernetes:core/v1:Pod"]);
        const pod = out.registered[1].inputs;
        expect({ apiVersion: pod.apiVersion, kind: pod.kind, metadata: pod.metadata, spec: pod.spec }).to.deep.equal(
            seedPod(),
        );
    });

    it("the consumer program gets the ConfigMap too under the restricted profile", () => {
        const out = consumer.requireUnderMocks("./bin/index.js", false, { PROFILE: "restricted" });
        expect(out.registered.map((r: any) => r.type)).to.deep.equal([
            "webserver-sidecar:index:WebserverPod",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:Pod",
        ]);
    });
});
