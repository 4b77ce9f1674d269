// LogService in cluster mode: storage nodes and front nodes instead of the single node, behind the
// same Service and URLs. Run as processes in tests/shipper/logservice-cluster.test.ts.
import { promiseOf, registered, settle } from "../helpers/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LOG_SERVICE, LogService, LogServiceArgError, validateLogService } from "../../components";
import {
    buildStorageNetworkPolicy,
    closedStorageArgs,
    frontendArgs,
    storageNodeAddresses,
} from "../../components/logService/cluster";
import { isPassword, storagePassword } from "../../components/logService/access";
import {
    buildLogServiceCluster,
    buildLogServiceStatefulSet,
    victoriaLogsArgs,
} from "../../components/logService/manifest";
import { evaluate } from "../../policy/rules";
import { validateAgainstSchema } from "../../scripts/lib/schema";
import { readStackConfig } from "../../scripts/lib/render";
import { programConfig } from "../../program/stackConfig";

const INGEST = "ingest-0123456789-abcdef";
const READER = "reader-0123456789-abcdef";

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

    describe("closed (access with two passwords, the default)", () => {
        const CLOSED = { ingestPassword: INGEST, readerPassword: READER };
        const v = validateLogService("logs", { access: CLOSED, namespace: "observability", cluster: {} });
        const o = buildLogServiceCluster(v);

        it("front nodes: vmauth on the Service's port, VictoriaLogs on the loopback calling the storage nodes as the storage user", () => {
            const pod = o.frontends.spec.template.spec;
            expect(pod.containers.map((c) => c.name)).to.deep.equal(["vmauth", "victoria-logs"]);
            const vl = pod.containers[1];
            expect(vl.args).to.deep.equal([
                "-storageNode=logs-storage-0.logs-storage:9428,logs-storage-1.logs-storage:9428",
                "-storageNode.username=storage",
                "-storageNode.password=%{LOGS_STORAGE_PASSWORD}",
                "-httpListenAddr=127.0.0.1:9429",
                "-syslog.listenAddr.tcp=:5140",
            ]);
            expect(vl.args).to.deep.equal(frontendArgs("logs", v.cluster!, true));
            expect((vl as any).env).to.deep.equal([
                {
                    name: "LOGS_STORAGE_PASSWORD",
                    valueFrom: { secretKeyRef: { name: "logs-storage-auth", key: "password" } },
                },
            ]);
            // vmauth exactly as on the single node: its config, both users' passwords, the HTTP port.
            const single = buildLogServiceStatefulSet(
                validateLogService("logs", { access: CLOSED, namespace: "observability" }),
            );
            expect(pod.containers[0]).to.deep.equal(single.spec.template.spec.containers[0]);
            expect(pod.volumes).to.deep.equal(single.spec.template.spec.volumes);
            expect(vl).to.not.have.property("volumeMounts");
        });

        it("storage nodes: their HTTP API behind basic auth (the storage user), no syslog input, no vmauth", () => {
            const pod = o.storage.spec.template.spec;
            expect(pod.containers.map((c) => c.name)).to.deep.equal(["victoria-logs"]);
            const [vl] = pod.containers;
            expect(vl.args).to.deep.equal([
                "-storageDataPath=/storage",
                `-retentionPeriod=${v.retentionPeriod}`,
                "-retention.maxDiskUsagePercent=80",
                "-httpListenAddr=:9428",
                "-httpAuth.username=storage",
                "-httpAuth.password=%{LOGS_STORAGE_PASSWORD}",
            ]);
            expect(vl.args).to.deep.equal(closedStorageArgs(victoriaLogsArgs({ retentionPeriod: v.retentionPeriod })));
            expect(vl.ports.map((p) => p.name)).to.deep.equal(["http"]);
            expect((vl as any).env[0].valueFrom.secretKeyRef).to.deep.equal({
                name: "logs-storage-auth",
                key: "password",
            });
            expect(vl.volumeMounts).to.deep.equal([{ name: "storage", mountPath: "/storage" }]);
        });

        it("every policy rule passes on both pods (no VictoriaLogs served unauthenticated); every object is schema-valid", () => {
            for (const spec of [o.frontends.spec.template.spec, o.storage.spec.template.spec])
                expect(evaluate(spec as any)).to.deep.equal({});
            for (const obj of Object.values(o)) validateAgainstSchema(obj as any);
            validateAgainstSchema(buildStorageNetworkPolicy(v) as any);
        });

        it("the storage nodes' NetworkPolicy admits only the front nodes, to the HTTP port", () => {
            expect(buildStorageNetworkPolicy(v)).to.deep.equal({
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: {
                    name: "logs-storage",
                    namespace: "observability",
                    labels: o.storage.spec.selector.matchLabels,
                },
                spec: {
                    podSelector: { matchLabels: o.storage.spec.selector.matchLabels },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [{ podSelector: { matchLabels: o.frontends.spec.selector.matchLabels } }],
                            ports: [{ port: "http", protocol: "TCP" }],
                        },
                    ],
                },
            });
        });

        it("the storage password: derived from both passwords, 64 hex characters, a new one when either changes", () => {
            const p = storagePassword(INGEST, READER);
            expect(p).to.match(/^[0-9a-f]{64}$/);
            expect(isPassword(p)).to.equal(true);
            expect(storagePassword(INGEST, READER)).to.equal(p);
            expect(storagePassword(INGEST + "x", READER)).to.not.equal(p);
            expect(storagePassword(INGEST, READER + "x")).to.not.equal(p);
            expect(storagePassword(READER, INGEST)).to.not.equal(p);
            expect(p).to.not.contain(INGEST).and.not.contain(READER);
        });

        it("the component: the storage user's Secret (a secret), the LogService's NetworkPolicy on the front nodes, the storage nodes' own", async () => {
            const c = new LogService("vlx", { access: CLOSED, name: "logs", cluster: {} });
            expect(await promiseOf(c.access)).to.equal("closed");
            await settle();
            const [secret] = registered("vlx-storage-auth");
            expect(secret.type).to.equal("kubernetes:core/v1:Secret");
            expect(secret.inputs.metadata.name).to.equal("logs-storage-auth");
            expect(secret.inputs.type).to.equal("kubernetes.io/basic-auth");
            // A secret (the SDK's mark around it): its value is the derived password.
            expect(secret.inputs.stringData).to.have.property(
                pulumi.runtime.specialSigKey,
                pulumi.runtime.specialSecretSig,
            );
            expect(secret.inputs.stringData.value).to.deep.equal({
                username: "storage",
                password: storagePassword(INGEST, READER),
            });
            const [front] = registered("vlx-network-policy");
            expect(front.inputs.spec.podSelector.matchLabels["app.kubernetes.io/component"]).to.equal("frontend");
            const [storage] = registered("vlx-storage-network-policy");
            expect(storage.inputs.spec.podSelector.matchLabels["app.kubernetes.io/component"]).to.equal("storage");
            // An open cluster has none of them.
            new LogService("vly", { access: { open: true }, name: "logs2", cluster: {} });
            await settle();
            for (const r of ["vly-storage-auth", "vly-network-policy", "vly-storage-network-policy"])
                expect(registered(r), r).to.have.length(0);
        });
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
            {
                ...readStackConfig("cluster"),
                "webserver-sidecar:logsIngestPassword": INGEST,
                "webserver-sidecar:logsReaderPassword": READER,
            },
            (key) => key.endsWith("Password"),
        );
        // Closed, its default: no access in the stack's file (the program takes the two secret keys as its passwords).
        expect(logService).to.deep.equal({ cluster: { storageNodes: 2, frontends: 2 } });
        expect(
            validateLogService("logs", {
                ...(logService as any),
                access: { ingestPassword: INGEST, readerPassword: READER },
            }).cluster,
        ).to.deep.equal({ storageNodes: 2, frontends: 2 });
        expect(args).to.deep.include({ workload: "Deployment", replicas: 2, production: true });
        expect((args.destination as any).elasticsearch.url).to.match(/^http:\/\/logs:9428\/insert\/elasticsearch\?/);
        expect((args.destination as any).elasticsearch.auth).to.deep.equal({
            basicAuthSecret: "logs-ingest",
            allowPlainHttp: true,
        });
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
