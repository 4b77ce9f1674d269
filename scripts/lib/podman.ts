// podman with this project's private settings: a CONTAINERS_CONF of its own (the user's global
// podman config is never touched), installing podman when it is missing and we are root.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { have, isRoot, run, RunOptions, RunResult } from "./exec";

export class PodmanError extends Error {}

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

/** What this machine has that decides how podman can be made to run. */
export interface PodmanHost {
    podman: boolean;
    /** An OCI runtime podman can use: runc or crun on PATH. */
    runtime: boolean;
    /** Docker's containerd.io package, which replaces Debian's runc: installing runc would remove it (and Docker). */
    containerdIo: boolean;
    /** Root with apt-get: packages can be installed here. */
    canInstall: boolean;
}

/**
 * What to do when `podman info` does not answer: the packages to install (only what is missing;
 * never runc, whose package would replace Docker's containerd.io -- podman's own dependency picks a
 * runtime that fits), or why nothing can be done, with the command to run.
 */
export function podmanPlan(h: PodmanHost): { install: string[] } | { error: string } {
    const missing = [...(h.podman ? [] : ["podman"]), ...(h.runtime || h.containerdIo ? [] : ["crun"])];
    if (missing.length === 0) return { error: "podman and an OCI runtime are installed, but `podman info` fails" };
    if (!h.canInstall)
        return {
            error: `${h.podman ? "podman has no OCI runtime (runc or crun)" : "podman is not installed"}; install it with: sudo apt-get install -y ${missing.join(" ")}`,
        };
    return { install: missing };
}

/**
 * Makes sure podman can run: asks `podman info` first, and only when that fails installs what is
 * missing (root and apt-get) or fails with the exact command to run.
 */
export function ensurePodman(log: (line: string) => void = console.log): void {
    const info = () => podman(["info", "--format", "{{.Host.OCIRuntime.Name}}"], { allowFail: true });
    if (have("podman") && info().code === 0) return;
    const plan = podmanPlan({
        podman: have("podman"),
        runtime: have("runc") || have("crun"),
        containerdIo:
            have("dpkg-query") &&
            run("dpkg-query", ["-W", "-f", "${Status}", "containerd.io"], { allowFail: true }).stdout.includes(
                "install ok installed",
            ),
        canInstall: isRoot() && have("apt-get"),
    });
    if ("error" in plan) {
        const said = have("podman") ? info().stderr.trim().split("\n").pop() : "";
        throw new PodmanError(`${plan.error}${said ? ` (podman info: ${said})` : ""}`);
    }
    log(`missing: running apt-get install -y ${plan.install.join(" ")}`);
    run("apt-get", ["update", "-q"], { live: true });
    run("apt-get", ["install", "-y", "-q", ...plan.install], {
        live: true,
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    env = undefined; // a runtime may be new: rewrite the config
    const after = info();
    if (after.code !== 0) throw new PodmanError(`podman cannot run here: ${after.stderr.trim().split("\n").pop()}`);
}

export function podmanVersion(): string {
    return podman(["version", "--format", "{{.Client.Version}}"]).stdout.trim();
}
