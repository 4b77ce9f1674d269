// nativeSidecar: true on a real node: the shipper runs as an init container with restartPolicy
// Always, which the kubelet starts before nginx and stops after it. The start order is read from the
// kubelet's own events for the Pod (ordered by the API server's resourceVersion, which grows with
// every write), the stop order from the container runtime's exit events (the kubelet announces every
// "Killing" at once and then holds the sidecar's stop until nginx has exited).
import { expect } from "chai";
import { kubectl, Project, report, requirePrerequisites } from "./harness";
import { kwokNode, watchTaskExits } from "./node";

interface KubeletEvent {
    reason: string;
    container: string;
    resourceVersion: number;
    message: string;
}

/** The kubelet's events about pod `uid`'s containers, in the order the API server stored them. */
function kubeletEvents(uid: string): KubeletEvent[] {
    const r = kubectl(["get", "events", "--field-selector", `involvedObject.uid=${uid}`, "-o", "json"]);
    expect(r.code, r.out).to.equal(0);
    return JSON.parse(r.stdout)
        .items.filter((e: any) => e.source?.component === "kubelet" || e.reportingComponent === "kubelet")
        .map((e: any) => ({
            reason: e.reason,
            container: /\{(.+)\}/.exec(e.involvedObject.fieldPath ?? "")?.[1] ?? "",
            resourceVersion: Number(e.metadata.resourceVersion),
            message: e.message,
        }))
        .sort((a: KubeletEvent, b: KubeletEvent) => a.resourceVersion - b.resourceVersion);
}

const first = (events: KubeletEvent[], reason: string, container: string): KubeletEvent => {
    const e = events.find((x) => x.reason === reason && x.container === container);
    expect(e, `the kubelet's ${reason} event for ${container}`).to.not.equal(undefined);
    return e!;
};

describe("integration: nativeSidecar on a real node (the kubelet's start and stop order)", function () {
    this.timeout(15 * 60_000);
    let project: Project | undefined;
    let uid = "";

    before(() => {
        requirePrerequisites();
        project = new Project("native");
        project.must(["stack", "init", "native"], { quiet: true });
        for (const [k, v] of [
            ["nativeSidecar", "true"],
            ["shipper", "stream"],
        ])
            project.must(["config", "set", "--stack", "native", `webserver-sidecar:${k}`, v], { quiet: true });
    });

    after(() => project?.tearDown(["native"], ["pod", "webserver"]));

    it("pulumi up: the shipper, an init container that keeps running, is started before nginx", () => {
        project!.must(["up", "--yes", "--stack", "native"]);
        expect(project!.outputs("native").readyContainers).to.equal("2/2");
        const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        uid = pod.metadata.uid;
        expect(kwokNode(pod.spec.nodeName), "on the real node").to.equal(false);
        expect(pod.spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).to.deep.equal([
            ["sidecar-container", "Always"],
        ]);
        expect(pod.status.initContainerStatuses[0].state.running, "the sidecar keeps running").to.not.equal(undefined);
        const events = kubeletEvents(uid);
        report(`kubelet events: ${events.map((e) => `${e.reason} ${e.container} @${e.resourceVersion}`).join(", ")}`);
        expect(first(events, "Started", "sidecar-container").resourceVersion).to.be.below(
            first(events, "Created", "nginx-container").resourceVersion,
        );
    });

    it("pulumi destroy: nginx exits first, the shipper after it (the runtime's exit events)", async () => {
        const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        const idOf = (statuses: any[]) => statuses[0].containerID.slice("containerd://".length);
        const names: Record<string, string> = {
            [idOf(pod.status.containerStatuses)]: "nginx-container",
            [idOf(pod.status.initContainerStatuses)]: "sidecar-container",
        };
        const watch = watchTaskExits();
        let exits: Array<{ containerId: string; exitedAt: number; status: number }> = [];
        try {
            project!.must(["destroy", "--yes", "--stack", "native"]);
        } finally {
            exits = (await watch.stop()).filter((e) => e.containerId in names);
        }
        report(
            `runtime exits: ${exits.map((e) => `${names[e.containerId]} at ${e.exitedAt.toFixed(3)} (status ${e.status})`).join(", ")}`,
        );
        expect(exits.map((e) => names[e.containerId])).to.deep.equal(["nginx-container", "sidecar-container"]);
        // The shipper stops on SIGTERM by itself, not at the grace period's end (SIGKILL: 137).
        expect(exits.map((e) => e.status)).to.deep.equal([0, 0]);
    });
});
