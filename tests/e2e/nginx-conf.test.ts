// Every nginx.conf the component manages, checked by nginx itself (`nginx -t`) in the image the
// e2e runs (the nginx the production preset pins, or its stand-in): the restricted profile's and,
// with a destination, the JSON access log and the log agent's metrics server in either profile.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { IMAGES } from "../../components/defaults";
import { nginxConf } from "../../components/nginxConf";
import { chooseImage } from "../../scripts/lib/images";
import { podman } from "../../scripts/lib/podman";
import { report } from "./harness";

describe("e2e: nginx accepts every config the component manages (nginx -t)", function () {
    this.timeout(10 * 60_000);
    let image: string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-conf-"));
    before(() => {
        image = chooseImage(IMAGES.nginx, "nginx", report).used;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const test = (file: string) =>
        podman(["run", "--rm", "-v", `${dir}:/c:ro`, image, "nginx", "-t", "-c", `/c/${file}`], { allowFail: true });

    for (const restricted of [false, true])
        for (const jsonAccessLog of [false, true]) {
            if (!restricted && !jsonAccessLog) continue; // the image's own config
            it(`${restricted ? "restricted" : "baseline"}${jsonAccessLog ? ", JSON access log" : ""}`, () => {
                const file = `${restricted}-${jsonAccessLog}.conf`;
                // With a destination the component also serves the log agent's metrics (manifest.ts).
                const conf = () => nginxConf({ restricted, jsonAccessLog, agentMetrics: jsonAccessLog });
                fs.writeFileSync(path.join(dir, file), conf());
                const r = test(file);
                report(`${image}: ${(r.stderr + r.stdout).trim().split("\n").pop()}`);
                expect(r.code, r.stderr).to.equal(0);
                // ... and a broken one is refused, so the check can fail.
                fs.writeFileSync(
                    path.join(dir, "broken.conf"),
                    conf().replace("escape=json", "escape=jsn").replace("worker_connections", "worker_connectons"),
                );
                expect(test("broken.conf").code).to.not.equal(0);
            });
        }
});
