// LogService in cluster mode: storage nodes and front nodes instead of the single node, behind the
// same Service and URLs. Run as processes in tests/shipper/logservice-cluster.test.ts.
import { promiseOf, registered, settle } from "../helpers/mocks";
import { expect } from "chai";
import { LOG_SERVICE, LogService, LogServiceArgError, validateLogService } from "../../components";
import { frontendArgs, storageNodeAddresses } from "../../components/logService/cluster";
import { buildLogServiceCluster, buildLogServiceStatefulSet } from "../../components/logService/manifest";
import { evaluate } from "../../policy/rules";
import { validateAgainstSchema } from "../../scripts/lib/schema";
import { readStackConfig } from "../../scripts/lib/render";
import { programConfig } from "../../program/stackConfig";

function problems(args: unknown): string[] {
    try {
        validateLogService("logs", { access: { open: true }, ...(args as object) } as any);
    } catch (e) {
        if (!(e instanceof LogServiceArgError)) throw e;
        return e.issues.map((i) => `${i.arg} ${JSON.stringify(i.value)}: ${i.rule}`);
    }
    return [];
}

describe("LogService cluster mode (VictoriaLogs storage and front nodes)", () => {
    it("defaults to two storage nodes and two front nodes; without it the single node is as before", () => {
        expect(validateLogService("logs", { access: { open: true }, cluster: {} }).cluster).to.deep.equal({
            storageNodes: 2,
            frontends: 2,
        });
        expect(validateLogService("logs", { access: { open: true } })).to.not.have.property("cluster");
    });

    it("storage nodes: a StatefulSet started in parallel, a claim each, a headless Service naming each pod", () => {
        const v = validateLogService("logs", {
            access: { open: true },
            storageSize: "50Gi",
            cluster: { storageNodes: 3 },
        });
        const o = buildLogServiceCluster(v);
        expect(o.storage.metadata.name).to.equal("logs-storage");
        expect(o.storage.spec).to.deep.include({
            serviceName: "logs-storage",
            replicas: 3,
            podManagementPolicy: "Parallel",
        });
        // The claim and the pod are the single node's: VictoriaLogs with its data, retention and limits.
        const single = buildLogServiceStatefulSet(v);
        expect(o.storage.spec.volumeClaimTemplates).to.deep.equal(single.spec.volumeClaimTemplates);
        expect(o.storage.spec.template.spec).to.deep.equal(single.spec.template.spec);
        expect(o.storageService.spec).to.deep.include({
            clusterIP: "None",
            selector: o.storage.spec.selector.matchLabels,
        });
        expect(o.storage.spec.selector.matchLabels).to.deep.equal({
            "app.kubernetes.io/name": "victoria-logs",
            "app.kubernetes.io/instance": "logs",
            "app.kubernetes.io/component": "storage",
        });
        expect(storageNodeAddresses("logs", 3)).to.deep.equal([
            "logs-storage-0.logs-storage:9428",
            "logs-storage-1.logs-storage:9428",
            "logs-storage-2.logs-storage:9428",
        ]);
    });

    it("front nodes: a Deployment behind the Service <name>, listing every storage node, with no volume; both pass every policy rule", () => {
        const v = validateLogService("logs", {
            access: { open: true },
            namespace: "observability",
            cluster: { storageNodes: 2, frontends: 3 },
        });
        const o = buildLogServiceCluster(v);
        expect(o.frontends.metadata).to.deep.include({ name: "logs", namespace: "observability" });
        expect(o.frontends.spec.replicas).to.equal(3);
        const pod = o.frontends.spec.template.spec;
        expect(pod.containers[0].args).to.deep.equal([
            "-storageNode=logs-storage-0.logs-storage:9428,logs-storage-1.logs-storage:9428",
            "-httpListenAddr=:9428",
            "-syslog.listenAddr.tcp=:5140",
        ]);
        expect(pod.containers[0].args).to.deep.equal(frontendArgs("logs", v.cluster!));
        expect(pod.containers[0]).to.not.have.property("volumeMounts");
        expect(pod.securityContext).to.not.have.property("fsGroup");
        expect(pod.securityContext).to.include({ runAsNonRoot: true, runAsUser: 65534 });
        expect(o.service.metadata.name).to.equal("logs");
        expect(o.service.spec.selector).to.deep.equal(o.frontends.spec.selector.matchLabels);
        expect(o.service.spec.selector["app.kubernetes.io/component"]).to.equal("frontend");
        expect(o.service.spec.ports.map((p) => p.port)).to.deep.equal([9428, 5140]);
        // Every rule passes but log-service-closed: cluster mode is open (access is single-node only yet).
        for (const spec of [pod, o.storage.spec.template.spec])
            expect(Object.keys(evaluate(spec as any))).to.deep.equal(["log-service-closed"]);
        for (const obj of Object.values(o)) validateAgainstSchema(obj as any);
    });

    it("a PodDisruptionBudget for each: one node at a time", () => {
        const o = buildLogServiceCluster(validateLogService("logs", { access: { open: true }, cluster: {} }));
        expect(o.storageBudget.spec).to.deep.equal({ maxUnavailable: 1, selector: o.storage.spec.selector });
        expect(o.frontendBudget.spec).to.deep.equal({ maxUnavailable: 1, selector: o.frontends.spec.selector });
    });

    it("the component registers the cluster's objects, not the single node's; its URLs are the single node's", async () => {
        const cluster = new LogService("vlc", { access: { open: true }, name: "logs", cluster: {} });
        const single = new LogService("vls", { access: { open: true }, name: "logs" });
        expect(await promiseOf(cluster.bulkUrl)).to.equal(await promiseOf(single.bulkUrl));
        expect(await promiseOf(cluster.syslogAddress)).to.equal(`logs:${LOG_SERVICE.syslogPort}`);
        await settle();
        expect(registered("vlc-statefulset")).to.have.length(0);
        expect(registered("vlc-storage")[0].type).to.equal("kubernetes:apps/v1:StatefulSet");
        expect(registered("vlc-storage-service")[0].type).to.equal("kubernetes:core/v1:Service");
        expect(registered("vlc-frontends")[0].type).to.equal("kubernetes:apps/v1:Deployment");
        expect(registered("vlc-storage-budget")[0].type).to.equal("kubernetes:policy/v1:PodDisruptionBudget");
        expect(registered("vlc-frontend-budget")[0].type).to.equal("kubernetes:policy/v1:PodDisruptionBudget");
        // The Service keeps its resource name: a single node moved to cluster mode updates it in place.
        expect(registered("vlc-service")[0].inputs.spec.selector["app.kubernetes.io/component"]).to.equal("frontend");
    });

    it("the cluster stack (program/Pulumi.cluster.yaml): the webserver delivers to a LogService of two storage and two front nodes", () => {
        const { args, logService } = programConfig(
            "webserver",
            "logs",
            "webserver-sidecar",
            readStackConfig("cluster"),
        );
        expect(logService).to.deep.equal({ cluster: { storageNodes: 2, frontends: 2 }, access: { open: true } });
        expect(validateLogService("logs", logService as any).cluster).to.deep.equal({ storageNodes: 2, frontends: 2 });
        expect(args).to.deep.include({ workload: "Deployment", replicas: 2, production: true });
        expect((args.destination as any).elasticsearch.url).to.match(/^http:\/\/logs:9428\/insert\/elasticsearch\?/);
    });

    describe("mistakes, named with their value", () => {
        const cases: Array<[unknown, RegExp]> = [
            [
                { cluster: { storageNodes: 1 } },
                /^cluster\.storageNodes 1: must be an integer from 2 to 64 \(one storage node is the single node/,
            ],
            [{ cluster: { storageNodes: 65 } }, /^cluster\.storageNodes 65: must be an integer from 2 to 64/],
            [{ cluster: { frontends: 0 } }, /^cluster\.frontends 0: must be an integer from 1 to 64/],
            [{ cluster: { frontends: 1.5 } }, /^cluster\.frontends 1\.5: must be an integer/],
            [
                { cluster: { storageNode: 3 } },
                /^cluster\.storageNode 3: is not an option; did you mean "storageNodes"\?/,
            ],
            [{ cluster: true }, /^cluster true: must be an object with the keys storageNodes, frontends/],
            [{ name: "l".repeat(60), cluster: {} }, /^name "l{60}": must be at most 55 characters in cluster mode/],
        ];
        for (const [args, expected] of cases)
            it(JSON.stringify(args), () => {
                const found = problems(args);
                expect(found, found.join("\n")).to.have.length(1);
                expect(found[0]).to.match(expected);
            });
    });
});
