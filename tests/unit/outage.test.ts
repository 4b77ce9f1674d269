// `npm run render`'s outage line: how long an outage of the destination each configuration's log
// volume holds (its bound over nginx's rate), or why nothing bounds it. Figures computed here
// from the sizeLimit, not read from the product.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { formatDuration, outageLines } from "../../scripts/lib/outage";
import { renderObjects } from "../helpers/render";

const ROOT = path.resolve(__dirname, "..", "..");
const destination = { elasticsearch: { url: "http://logs:9428/insert/elasticsearch" } };

describe("the outage a log volume holds (npm run render)", () => {
    it("formats durations in hours and minutes", () => {
        expect(formatDuration(7321.5)).to.equal("2 h 2 min");
        expect(formatDuration(7200)).to.equal("2 h");
        expect(formatDuration(732)).to.equal("12 min");
        expect(formatDuration(42.9)).to.equal("42 s");
    });

    it("with retention and a sizeLimit: 90% of it over 330 bytes a request, at 100 and 1000 a second", () => {
        const lines = outageLines(
            renderObjects({ destination, retention: {}, security: "restricted", logVolume: { sizeLimit: "64Mi" } }),
        );
        // 0.9 * 64 MiB = 60397977 bytes: 1830 s at 33 000 bytes a second, 183 s at 330 000.
        expect(lines).to.have.length(1);
        expect(lines[0]).to.contain(
            "Pod webserver: the log volume holds an outage of the destination for about 30 min at 100 requests a second, 3 min at 1000 (its bound, 57.6 MiB of the sizeLimit 64Mi",
        );
    });

    it("says why nothing bounds it: no retention, or no sizeLimit", () => {
        expect(outageLines(renderObjects({ destination, logVolume: { sizeLimit: "64Mi" } }))).to.deep.equal([
            "outage: Pod webserver: without retention the agent frees nothing, delivered or not: the log volume grows with every request until the kubelet evicts the Pod at its sizeLimit (64Mi); set retention",
        ]);
        expect(outageLines(renderObjects({ destination, retention: {}, security: "restricted" }))[0]).to.match(
            /no logVolume\.sizeLimit, so no bound/,
        );
    });

    it("no line without the log agent (the seed, the stream shipper)", () => {
        expect(outageLines(renderObjects({}))).to.deep.equal([]);
        expect(outageLines(renderObjects({ production: true }))).to.deep.equal([]);
    });

    it("npm run render says it on stderr for the prod stack's Deployment, the YAML alone on stdout", function () {
        this.timeout(60_000);
        const r = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "scripts/render.ts", "--stack", "prod"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.contain(
            "outage: Deployment webserver: the log volume holds an outage of the destination for about 2 h 2 min at 100 requests a second, 12 min at 1000",
        );
        expect(r.stdout).to.not.contain("outage:");
    });
});
