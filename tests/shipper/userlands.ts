// The userlands the sidecar's scripts are tested with: this machine's GNU coreutils (Debian 12, as
// in Debian and in Ubuntu up to 24.04 images), and uutils coreutils 0.8, what Ubuntu 26.04 --
// today's ubuntu:latest -- ships instead (scripts/tools.sh builds it; `npm run tools -- uutils`).
import { toolDir } from "../../scripts/lib/tools";

export interface Userland {
    name: string;
    /** Put first on PATH; undefined: the machine's own. */
    pathPrefix?: string;
}

/** uutils' userland directory (one link per utility); throws, saying how to build it, when it is not built. */
export const uutilsDir = (): string => toolDir("uutils");

export const GNU: Userland = { name: "GNU coreutils" };

/** Both userlands; uutils' directory is looked up when a test runs, so a missing build fails that test. */
export function userlands(): Array<{ name: string; resolve: () => Userland }> {
    return [
        { name: GNU.name, resolve: () => GNU },
        { name: "uutils coreutils 0.8 (Ubuntu 26.04)", resolve: () => ({ name: "uutils", pathPrefix: uutilsDir() }) },
    ];
}
