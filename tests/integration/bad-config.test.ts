// A mistake in stack config stops `pulumi up` with the component's own message, before anything
// reaches the API server; and an unknown key is named with the key that was meant.
import { expect } from "chai";
import { objectsIn, Project, requirePrerequisites } from "./harness";

describe("integration: a bad value in stack config (pulumi up)", function () {
    this.timeout(10 * 60_000);
    let project: Project | undefined;

    before(() => {
        requirePrerequisites();
        project = new Project("mistake");
        project.must(["stack", "init", "dev"], { quiet: true });
    });

    after(() => project?.tearDown(["dev"]));

    it("fails with the component's message naming the option and the value; the API server holds nothing", () => {
        const before = objectsIn(undefined);
        project!.must(["config", "set", "--stack", "dev", "webserver-sidecar:podName", "Web_Server"], { quiet: true });
        const up = project!.pulumi(["up", "--yes", "--stack", "dev"]);
        expect(up.code).to.not.equal(0);
        expect(up.out).to.match(/podName/);
        expect(up.out).to.contain('"Web_Server"');
        expect(up.out).to.match(/DNS-1123 label/);
        expect(objectsIn(undefined)).to.deep.equal(before);
    });

    it("names an unknown key with the key that was meant", () => {
        project!.must(["config", "rm", "--stack", "dev", "webserver-sidecar:podName"], { quiet: true });
        project!.must(["config", "set", "--stack", "dev", "webserver-sidecar:replica", "3"], { quiet: true });
        const up = project!.pulumi(["up", "--yes", "--stack", "dev"]);
        expect(up.code).to.not.equal(0);
        expect(up.out).to.match(/replica\b/);
        expect(up.out).to.match(/did you mean .*replicas/);
    });
});
