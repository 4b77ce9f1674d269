// podman with this project's private settings: a CONTAINERS_CONF of its own (the user's global
// podman config is never touched), installing podman when it is missing and we are root.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { have, isRoot, run, RunOptions, RunResult } from "./exec";

export class PodmanError extends Error {}

const INSTALL = "apt-get install -y podman runc";

/** The private containers.conf: runc as runtime (Debian's podman 4.3 needs it here) and ulimits a sandbox allows. */
export function containersConf(): string {
    const dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "webserver-sidecar");
    const file = path.join(dir, "containers.conf");
    const body = [
        "# Written by webserver-sidecar's scripts; used only through CONTAINERS_CONF by them.",
        "[containers]",
        'default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]',
        ...(have("runc") ? ["[engine]", 'runtime = "runc"'] : []),
        "",
    ].join("\n");
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== body) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, body);
    }
    return file;
}

let env: NodeJS.ProcessEnv | undefined;
function podmanEnv(): NodeJS.ProcessEnv {
    env ??= { ...process.env, CONTAINERS_CONF: containersConf() };
    return env;
}

/** Runs podman with the private config. */
export function podman(args: string[], options: RunOptions = {}): RunResult {
    return run("podman", args, { ...options, env: { ...podmanEnv(), ...options.env } });
}

/**
 * Makes sure podman can run: installs it (and runc) from the distribution when we are root
 * and apt-get is there; otherwise fails with the exact command to run.
 */
export function ensurePodman(log: (line: string) => void = console.log): void {
    if (!have("podman") || !have("runc")) {
        if (!isRoot() || !have("apt-get")) {
            throw new PodmanError(`podman is not installed; install it with: sudo ${INSTALL}`);
        }
        log(`podman or runc missing: running ${INSTALL}`);
        run("apt-get", ["update", "-q"], { live: true });
        run("apt-get", ["install", "-y", "-q", "podman", "runc"], {
            live: true,
            env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        });
        env = undefined; // runc may be new: rewrite the config
    }
    const info = podman(["info", "--format", "{{.Host.OCIRuntime.Name}}"], { allowFail: true });
    if (info.code !== 0) {
        throw new PodmanError(`podman cannot run here: ${info.stderr.trim().split("\n").pop()}`);
    }
}

export function podmanVersion(): string {
    return podman(["version", "--format", "{{.Client.Version}}"]).stdout.trim();
}
