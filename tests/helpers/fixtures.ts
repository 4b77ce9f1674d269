import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** The project's copy of the seed spec (byte-identical to ../shared/seed/webserver.yaml; .ci/run checks it). */
export const SEED_FIXTURE_PATH = path.join(__dirname, "..", "fixtures", "webserver.yaml");

/** The seed Pod, parsed. */
export function seedPod(): any {
    return parse(fs.readFileSync(SEED_FIXTURE_PATH, "utf8"));
}
