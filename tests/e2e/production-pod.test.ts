// The production preset on a real podman, as a Pod (the prod stack's workload is a Deployment:
// tests/e2e/deployment.test.ts): both containers run as non-root with read-only root
// filesystems, no capabilities and seccomp; nginx answers on 8080; the sidecar still ships (to its
// stdout: without the stack's LogService, whose delivery tests/e2e/victorialogs.test.ts covers).
import { expect } from "chai";
import { requestInPod } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { nothingLeft, report, RunningPod, startPod, waitForLog } from "./harness";

const CONTAINERS = ["nginx-container", "sidecar-container"];

describe("e2e: the production Pod on podman", function () {
    this.timeout(15 * 60_000);
    let pod: RunningPod;

    before(async () => {
        pod = await startPod("prod", { workload: "Pod", replicas: null, logService: "false" });
    });

    after(() => {
        if (!pod) return;
        pod.down();
        expect(nothingLeft(pod), "left behind after teardown").to.deep.equal([]);
    });

    it("runs 2/2 with the restricted security context in force", () => {
        expect(pod.info.readyContainers).to.equal("2/2");
        for (const c of CONTAINERS) {
            const pid = podman(["inspect", pod.container(c), "--format", "{{.State.Pid}}"]).stdout.trim();
            const status = pod.exec(c, ["cat", "/proc/1/status"]);
            const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1].trim();
            report(
                `${c} (host pid ${pid}): Uid ${field("Uid")}, CapEff ${field("CapEff")}, NoNewPrivs ${field("NoNewPrivs")}, Seccomp ${field("Seccomp")}`,
            );
            expect(field("Uid")?.split(/\s+/), `${c} uids`).to.deep.equal(["101", "101", "101", "101"]);
            expect(field("CapEff"), `${c} effective capabilities`).to.equal("0000000000000000");
            expect(field("NoNewPrivs"), `${c} no_new_privs`).to.equal("1");
            expect(field("Seccomp"), `${c} seccomp mode (2 = filter)`).to.equal("2");
        }
    });

    it("has read-only root filesystems", () => {
        for (const c of CONTAINERS) {
            const r = podman(["exec", pod.container(c), "touch", "/probe-write"], { allowFail: true });
            expect(r.code, `${c} wrote to its root filesystem`).to.not.equal(0);
            expect(r.stderr).to.contain("Read-only file system");
        }
        // nginx itself writes its logs and temp files where it must.
        expect(pod.exec("nginx-container", ["ls", "/tmp"])).to.contain("nginx.pid");
    });

    it("serves on 8080 as uid 101 and the sidecar ships the access log lines", async function () {
        this.timeout(60_000);
        const path = `/prod-${Date.now().toString(36)}`;
        expect(requestInPod(pod.name, "/", 8080)).to.equal(200);
        expect(requestInPod(pod.name, path, 8080)).to.equal(404);
        expect(requestInPod(pod.name, "/", 80), "nothing listens on 80").to.equal(0);
        const seconds = await waitForLog(
            pod,
            "sidecar-container",
            ['"GET / HTTP/1.1" 200', `"GET ${path} HTTP/1.1" 404`],
            40_000,
        );
        report(`sidecar shipped both access lines after ${seconds.toFixed(1)}s`);
    });

    it("reports which limits podman enforced and which it ignored", () => {
        const memory = Number(
            podman(["inspect", pod.container("nginx-container"), "--format", "{{.HostConfig.Memory}}"]).stdout.trim(),
        );
        report(`nginx memory limit in force: ${memory / 2 ** 20} MiB (declared 128Mi)`);
        expect(memory).to.equal(128 * 2 ** 20);
        const df = pod
            .exec("nginx-container", ["df", "-k", "--output=size,fstype", "/var/log/nginx"])
            .trim()
            .split("\n")
            .pop()!
            .trim()
            .split(/\s+/);
        const sizeMiB = Number(df[0]) / 1024;
        const enforced = sizeMiB <= 256;
        report(
            `shared-logs sizeLimit 256Mi: ${enforced ? "enforced" : `NOT enforced by podman (volume is ${df[1]} of ${Math.round(sizeMiB)} MiB); a kubelet evicts the Pod beyond it`}`,
        );
        const health = JSON.parse(
            podman(["inspect", pod.container("nginx-container"), "--format", "{{json .Config.Healthcheck}}"]).stdout,
        );
        report(
            `nginx livenessProbe became podman healthcheck ${JSON.stringify(health?.Test)} every ${health?.Interval / 1e9}s; readinessProbe is not used by podman`,
        );
        expect(health?.Test?.join(" ")).to.contain("http://localhost:8080/");
    });
});
