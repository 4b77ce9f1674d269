// node-images.ts REGISTRY CRANE: puts every image of scripts/lib/nodeImages.ts into the local
// cluster's registry (crane's, at REGISTRY, e.g. 127.0.0.1:15000) under the name the kubelet pulls,
// and the pod sandbox's image. scripts/cluster.sh runs it at `cluster:up`. Stand-ins are built once
// (podman, debootstrap: root) and saved once per image id; a push of blobs the registry already
// holds sends none. Prints one line per image: the name served, and what stands in for it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "./lib/exec";
import { podman } from "./lib/podman";
import { NODE_IMAGES, PAUSE_IMAGE, registryPath } from "./lib/nodeImages";

const CACHE = path.join(
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"),
    "webserver-sidecar",
    "node-images",
);

/** The stand-in as a docker-archive tarball, saved once per image id. */
function archiveOf(tag: string): string {
    const id = podman(["image", "inspect", "--format", "{{.Id}}", tag]).stdout.trim();
    const file = path.join(CACHE, `${id}.tar`);
    if (!fs.existsSync(file)) {
        fs.mkdirSync(CACHE, { recursive: true });
        podman(["save", "--format", "docker-archive", "-o", `${file}.partial`, tag], { timeoutMs: 600_000 });
        fs.renameSync(`${file}.partial`, file);
    }
    return file;
}

function main(): void {
    const [registry, crane] = process.argv.slice(2);
    if (!registry || !crane) throw new Error("usage: node-images.ts REGISTRY CRANE");
    const push = (archive: string, ref: string) =>
        run(crane, ["push", "--insecure", archive, ref], { timeoutMs: 600_000 });
    const saved = new Map<string, string>();
    for (const [name, image] of Object.entries(NODE_IMAGES)) {
        const tag = image.standin();
        const archive = saved.get(tag) ?? archiveOf(tag);
        saved.set(tag, archive);
        push(archive, `${registry}/${registryPath(name)}`);
        console.log(`  ${name}: stand-in ${tag} (${image.what})`);
    }
    // The sandbox holds the pod's namespaces: the GNU ubuntu stand-in, sleeping.
    const base = NODE_IMAGES["docker.io/library/ubuntu:24.04"].standin();
    const pause = `${registry}/${PAUSE_IMAGE.repository}:${PAUSE_IMAGE.tag}`;
    push(saved.get(base) ?? archiveOf(base), `${pause}-base`);
    run(crane, ["mutate", "--insecure", "--entrypoint", "sleep", "--cmd", "infinity", "-t", pause, `${pause}-base`]);
    console.log(`  ${pause}: the pod sandbox (${base}, sleep infinity)`);
    // Saves of stand-ins no longer served (an older recipe) are of no more use.
    const used = new Set([...saved.values()].map((f) => path.basename(f)));
    for (const f of fs.readdirSync(CACHE)) if (!used.has(f)) fs.rmSync(path.join(CACHE, f), { force: true });
}

main();
