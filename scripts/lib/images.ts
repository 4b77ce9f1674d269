// Decides which image each container runs: the configured one when it is present or can be
// pulled, otherwise a stand-in built from Debian packages (scripts/standin), tagged under
// localhost/ -- never as docker.io/library/..., so nobody mistakes it for the official image.
// Where the registry is reachable (GitHub's runners: ci.yml sets CI_REQUIRE_REAL_IMAGES=1), a
// failed pull fails the run instead: a missing or broken default image must not pass CI.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { have, isRoot, run } from "./exec";
import { containersConf, podman, PodmanError } from "./podman";
import { toolDir } from "./tools";

export type StandinKind = "nginx" | "ubuntu" | "rsyslog" | "victorialogs" | "rsyslog-testing";

/** Set to 1 where pulls must work (ci.yml on GitHub's runners): a failed pull fails the run. */
export const REQUIRE_REAL_IMAGES = "CI_REQUIRE_REAL_IMAGES";

const STANDIN_DIR = path.resolve(__dirname, "..", "standin");

/** A hash of the stand-ins' recipe (scripts/standin/): a changed recipe builds anew, an unchanged one is cached. */
function recipeHash(): string {
    const hash = createHash("sha256");
    for (const f of fs.readdirSync(STANDIN_DIR).sort())
        hash.update(f).update(fs.readFileSync(path.join(STANDIN_DIR, f)));
    return hash.digest("hex").slice(0, 10);
}

/** The stand-in's tag carries the recipe's hash. */
export function standinTag(kind: StandinKind): string {
    return `localhost/webserver-standin-${kind}:bookworm-${recipeHash()}`;
}

export interface ImageChoice {
    requested: string;
    used: string;
    /** How `used` was obtained, for the run's report. */
    how: string;
}

function buildStandin(kind: StandinKind, log: (line: string) => void): { tag: string; how: string } {
    const tag = standinTag(kind);
    if (podman(["image", "exists", tag], { allowFail: true }).code === 0) return { tag, how: "stand-in, cached" };
    if (!isRoot()) throw new PodmanError(`building the ${kind} stand-in needs root (debootstrap); re-run with sudo`);
    if (!have("debootstrap")) {
        log("debootstrap missing: running apt-get install -y debootstrap");
        run("apt-get", ["install", "-y", "-q", "debootstrap"], {
            live: true,
            env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        });
    }
    const start = Date.now();
    run(path.join(STANDIN_DIR, "build.sh"), [kind, tag], {
        live: true,
        env: { ...process.env, CONTAINERS_CONF: containersConf() },
    });
    return { tag, how: `stand-in, built in ${((Date.now() - start) / 1000).toFixed(0)}s` };
}

/** The stand-in of `kind` (nginx, ubuntu, rsyslog), built once from Debian packages: its tag. */
export const standinImage = (kind: "nginx" | "ubuntu" | "rsyslog", log: (line: string) => void = console.log): string =>
    buildStandin(kind, log).tag;

/**
 * The ubuntu stand-in with Ubuntu 26.04's userland (uutils coreutils, built by scripts/tools.sh,
 * laid out as 26.04 does): what today's ubuntu:latest runs the sidecar's scripts with. Built once,
 * tagged with the uutils version and the stand-in recipe's hash.
 */
export function uutilsStandin(log: (line: string) => void = console.log): string {
    const base = buildStandin("ubuntu", log).tag;
    // .../uutils-<version>/userland
    const userland = toolDir("uutils");
    const version = path.basename(path.dirname(userland)).slice("uutils-".length);
    const tag = `localhost/webserver-standin-ubuntu-uutils:${version}-${base.split(":")[1]}`;
    if (podman(["image", "exists", tag], { allowFail: true }).code === 0) return tag;
    run(path.join(STANDIN_DIR, "build.sh"), ["ubuntu-uutils", tag], {
        live: true,
        env: {
            ...process.env,
            CONTAINERS_CONF: containersConf(),
            STANDIN_BASE: base,
            UUTILS_COREUTILS: fs.realpathSync(path.join(userland, "tail")),
        },
    });
    return tag;
}

/**
 * A stand-in made from what scripts/tools.sh built for `tool` (handed to scripts/standin/build.sh in
 * the environment `env` gives from the tool's directory), tagged with the tool's cache key and the
 * stand-in recipe's hash; built once.
 */
function standinFromTool(
    tool: "victorialogs" | "vmalert" | "vmauth" | "rsyslog-testing",
    env: (bin: string) => Record<string, string>,
): string {
    const bin = toolDir(tool);
    const version = path.basename(path.dirname(bin)).slice(`${tool}-`.length);
    const tag = `localhost/webserver-standin-${tool}:${version}-${recipeHash()}`;
    if (podman(["image", "exists", tag], { allowFail: true }).code === 0) return tag;
    run(path.join(STANDIN_DIR, "build.sh"), [tool, tag], {
        live: true,
        env: { ...process.env, CONTAINERS_CONF: containersConf(), ...env(bin) },
    });
    return tag;
}

/**
 * The VictoriaLogs stand-in (victoriametrics/victoria-logs's layout) from the binary scripts/tools.sh
 * built from its Go module: what LogService's pod runs where the image cannot be pulled.
 */
export const victoriaLogsStandin = (): string =>
    standinFromTool("victorialogs", (bin) => ({ VICTORIA_LOGS: path.join(bin, "victoria-logs") }));

/**
 * The vmalert stand-in (victoriametrics/vmalert's layout) from the binary scripts/tools.sh built
 * from VictoriaMetrics' Go module: what the LogService's alerting runs on the real node.
 */
export const vmalertStandin = (): string =>
    standinFromTool("vmalert", (bin) => ({ VMALERT: path.join(bin, "vmalert") }));

/**
 * The vmauth stand-in (victoriametrics/vmauth's layout) from the binary scripts/tools.sh built from
 * VictoriaMetrics' Go module: what a closed LogService's pod runs in front of VictoriaLogs.
 */
export const vmauthStandin = (): string => standinFromTool("vmauth", (bin) => ({ VMAUTH: path.join(bin, "vmauth") }));

/**
 * The agent image for RELP with TLS (rsyslog 8.2606 or later) from the root scripts/tools.sh
 * rsyslog-testing made (Debian testing's rsyslog): what runs where rsyslog/rsyslog-collector:2026-08
 * cannot be pulled.
 */
export const rsyslogTestingStandin = (): string =>
    standinFromTool("rsyslog-testing", (bin) => ({ RSYSLOG_TESTING_ROOT: path.join(bin, "root") }));

/** A short name as Kubernetes (and Docker) resolves it: `nginx:latest` is `docker.io/library/nginx:latest`. */
export function qualified(image: string): string {
    const first = image.split("/")[0];
    const hasDomain = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    if (hasDomain) return image;
    return `docker.io/${image.includes("/") ? "" : "library/"}${image}`;
}

/**
 * Returns the image to run for `requested`: present locally, pulled, or the stand-in of `kind`.
 * Progress goes to `log` while images are pulled or built.
 */
export function chooseImage(
    requested: string,
    kind: StandinKind,
    log: (line: string) => void = console.log,
): ImageChoice {
    // One answer per process: the e2e tests and the benchmark render many Pods with the same
    // images, and a registry that refused a pull a moment ago would refuse it again.
    const key = `${kind} ${requested}`;
    const known = choices.get(key);
    if (known) return { ...known, how: `${known.how} (decided earlier in this run)` };
    const choice = decideImage(requested, kind, log);
    choices.set(key, choice);
    return choice;
}

const choices = new Map<string, ImageChoice>();

function decideImage(requested: string, kind: StandinKind, log: (line: string) => void): ImageChoice {
    if (podman(["image", "exists", requested], { allowFail: true }).code === 0) {
        return { requested, used: requested, how: "present locally" };
    }
    log(`pulling ${requested} ...`);
    const pull = podman(["pull", "--quiet", qualified(requested)], { allowFail: true, timeoutMs: 300_000 });
    if (pull.code === 0) return { requested, used: requested, how: "pulled" };
    const reason = pull.stderr.trim().split("\n").pop() ?? "";
    if (process.env[REQUIRE_REAL_IMAGES] === "1")
        throw new PodmanError(
            `cannot pull ${requested} (${reason.slice(0, 200)}), and ${REQUIRE_REAL_IMAGES}=1 forbids a stand-in: ` +
                "the image the component defaults to must exist where users pull it",
        );
    const from = kind === "victorialogs" ? "VictoriaLogs' Go module" : "Debian packages";
    log(`cannot pull ${requested} (${reason.slice(0, 120)}); using a stand-in built from ${from}`);
    if (kind === "victorialogs")
        return {
            requested,
            used: victoriaLogsStandin(),
            how: "stand-in: the binary built from VictoriaLogs' Go module",
        };
    if (kind === "rsyslog-testing")
        return {
            requested,
            used: rsyslogTestingStandin(),
            how: "stand-in: Debian testing's rsyslog (scripts/tools.sh)",
        };
    const { tag, how } = buildStandin(kind, log);
    return { requested, used: tag, how };
}
