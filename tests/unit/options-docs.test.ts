// README's Options table and Pulumi.dev.yaml's comments, checked against the options table
// (components/options.ts), the defaults and the production preset (components/defaults.ts), so
// documentation that disagrees with the code fails here.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS, PRODUCTION_PRESET, SEED } from "../../components/defaults";
import { WEBSERVER_POD_ARG_KEYS } from "../../components/options";

const ROOT = path.resolve(__dirname, "..", "..");

/** README's Options table: option (up to the first dot) -> its default, production and description cells. */
function readmeRows(): Map<string, { defaults: string; production: string }> {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Options"));
    const start = section.indexOf("| option |");
    const table = section.slice(start, section.indexOf("\n\n", start));
    const rows = new Map<string, { defaults: string; production: string }>();
    for (const line of table.split("\n").slice(2)) {
        const cells = line.split(" | ").map((c) => c.replace(/^\| /, "").trim());
        const option = /^`([a-zA-Z]+)/.exec(cells[0])![1];
        const prev = rows.get(option);
        rows.set(option, {
            defaults: `${prev?.defaults ?? ""} ${cells[1]}`,
            production: `${prev?.production ?? ""} ${cells[2]}`,
        });
    }
    return rows;
}

/** The leaves of a preset value: [last key, value] pairs (an empty object is a leaf of its own). */
function leaves(value: unknown, key = ""): Array<[string, unknown]> {
    if (value !== null && typeof value === "object" && Object.keys(value).length > 0)
        return Object.entries(value).flatMap(([k, v]) => leaves(v, k));
    return [[key, value]];
}

/** A value as Pulumi.dev.yaml's comments write it: YAML flow style. */
function flow(value: unknown): string {
    if (value !== null && typeof value === "object")
        return `{ ${Object.entries(value)
            .map(([k, v]) => `${k}: ${flow(v)}`)
            .join(", ")} }`.replace("{  }", "{}");
    return value === "" ? '""' : String(value);
}

/** The options whose default is one plain value, as README states it. */
const SCALAR_DEFAULTS: Record<string, unknown> = {
    nginxImage: SEED.nginxImage,
    sidecarImage: SEED.sidecarImage,
    workload: DEFAULTS.workload,
    replicas: DEFAULTS.replicas,
    security: DEFAULTS.security,
    shipper: DEFAULTS.shipper,
    catLoopPeriodSeconds: SEED.catLoopPeriodSeconds,
    nativeSidecar: DEFAULTS.nativeSidecar,
    production: false,
};

describe("README's Options table, from the options table, the defaults and the preset", () => {
    const rows = readmeRows();

    it("has a row for every option, and only for options", () => {
        expect([...rows.keys()].sort()).to.deep.equal([...WEBSERVER_POD_ARG_KEYS].sort());
    });

    it("states each plain default as defaults.ts has it", () => {
        for (const [option, value] of Object.entries(SCALAR_DEFAULTS))
            expect(rows.get(option)!.defaults, option).to.contain(`\`${value}\``);
    });

    it("states every value the production preset sets, and a production value only for those", () => {
        for (const [option, value] of Object.entries(PRODUCTION_PRESET)) {
            const cell = rows.get(option)!.production;
            for (const [key, leaf] of leaves(value, option)) {
                const shown =
                    typeof leaf === "object" ? key : key === option ? `\`${leaf}\`` : `${key}: ${String(leaf)}`;
                expect(cell, `${option}: ${key}`).to.contain(shown);
            }
        }
        const withValue = [...rows].filter(([, r]) => r.production.trim() !== "—").map(([o]) => o);
        expect(withValue.sort()).to.deep.equal(Object.keys(PRODUCTION_PRESET).sort());
    });
});

describe("Pulumi.dev.yaml's comments, from the same", () => {
    const text = fs.readFileSync(path.join(ROOT, "program", "Pulumi.dev.yaml"), "utf8");

    it("names every option", () => {
        for (const option of WEBSERVER_POD_ARG_KEYS) expect(text, option).to.contain(`webserver-sidecar:${option}:`);
    });

    it("writes each plain default as defaults.ts has it", () => {
        for (const [option, value] of Object.entries(SCALAR_DEFAULTS))
            expect(text, option).to.match(new RegExp(`^\\s*(# )?webserver-sidecar:${option}: ${value}\\b`, "m"));
    });

    it("shows what production: true sets, exactly as the preset sets it", () => {
        for (const [option, value] of Object.entries(PRODUCTION_PRESET)) {
            expect(text, option).to.contain(`#   production: webserver-sidecar:${option}: ${flow(value)}`);
        }
    });
});
