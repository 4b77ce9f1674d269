import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { buildManifests, validateArgs } from "../../components";
import { evaluate, RULES } from "../policy/rules";
import { seedPod } from "../helpers/fixtures";

const podFor = (args: Parameters<typeof validateArgs>[1]) => buildManifests(validateArgs("policy", args)).pod!;

describe("policy rules", () => {
    it("reports the seed Pod as failing every rule the linters flag on it", () => {
        const failed = evaluate(seedPod());
        expect(Object.keys(failed)).to.deep.equal(RULES.map((r) => r.id));
        expect(failed["image-tag-pinned"]).to.deep.equal([
            "nginx-container: image is :latest or untagged",
            "sidecar-container: image is :latest or untagged",
        ]);
        expect(failed["emptydir-size-limit"]).to.deep.equal(["volume shared-logs: emptyDir without sizeLimit"]);
    });

    it("the default render fails exactly as the seed does", () => {
        expect(evaluate(podFor({}))).to.deep.equal(evaluate(seedPod()));
    });

    it("passes every rule with production: true", () => {
        expect(evaluate(podFor({ production: true }))).to.deep.equal({});
    });

    it("passes the security rules with security: restricted alone, and no others", () => {
        const failed = Object.keys(evaluate(podFor({ security: "restricted" })));
        for (const id of [
            "run-as-non-root",
            "read-only-root-filesystem",
            "seccomp-runtime-default",
            "capabilities-drop-all",
            "no-privilege-escalation",
            "no-service-account-token",
        ]) {
            expect(failed).to.not.include(id);
        }
        expect(failed).to.include.members([
            "cpu-requests-limits",
            "liveness-probe",
            "image-tag-pinned",
            "emptydir-size-limit",
        ]);
    });

    it("flags what a production user turns back off", () => {
        const failed = evaluate(
            podFor({ production: true, nginxImage: "nginx:latest", imagePullPolicy: "IfNotPresent" }),
        );
        expect(failed["image-tag-pinned"]).to.deep.equal(["nginx-container: image is :latest or untagged"]);
        expect(failed["image-pull-policy-always"]).to.have.length(2);
    });

    it("accepts images pinned by digest", () => {
        const failed = evaluate(podFor({ production: true, nginxImage: `nginx@sha256:${"0".repeat(64)}` }));
        expect(failed).to.deep.equal({});
    });

    it("README's policy table lists every rule with its linters", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        for (const r of RULES) {
            const row = readme.split("\n").find((l) => l.startsWith(`| \`${r.id}\``));
            expect(row, `README row for ${r.id}`).to.not.equal(undefined);
            for (const l of r.linters) expect(row).to.contain(l);
        }
    });
});
