// LogService: VictoriaLogs single node as a StatefulSet with a claim and a Service; its bulkUrl is
// a WebserverPod's destination as it stands. What it declares, what it outputs, and its mistakes.
import { registered, promiseOf, settle } from "../helpers/mocks";
import { expect } from "chai";
import {
    LOG_QUERIES,
    LOG_SERVICE,
    LogService,
    LogServiceArgError,
    VICTORIALOGS_BULK_QUERY,
    validateArgs,
    validateLogService,
    WebserverPod,
} from "../../components";
import {
    buildLogServicePodSpec,
    buildLogServiceService,
    buildLogServiceStatefulSet,
} from "../../components/logService/manifest";
import { ACCESS_LOG_FIELDS } from "../../components/nginxConf";
import { evaluate } from "../../policy/rules";
import { validateAgainstSchema } from "../../scripts/lib/schema";

describe("LogService (VictoriaLogs single node)", () => {
    it("a StatefulSet of one pod, its data on a 10Gi claim, kept 2 days: the 24 hours the task names and a margin", () => {
        const v = validateLogService("logs", { access: { open: true } });
        const sts = buildLogServiceStatefulSet(v);
        expect(sts.spec.replicas).to.equal(1);
        expect(sts.spec.serviceName).to.equal("logs");
        expect(sts.spec.volumeClaimTemplates[0].spec).to.deep.equal({
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "10Gi" } },
        });
        const c = sts.spec.template.spec.containers[0];
        expect(c.image).to.equal(LOG_SERVICE.image);
        expect(c.args).to.deep.equal([
            "-storageDataPath=/storage",
            "-retentionPeriod=2d",
            "-retention.maxDiskUsagePercent=80",
            "-httpListenAddr=:9428",
            "-syslog.listenAddr.tcp=:5140",
        ]);
        expect(c.volumeMounts).to.deep.equal([{ name: "storage", mountPath: "/storage" }]);
        expect(c.readinessProbe.httpGet).to.deep.equal({ path: "/health", port: "http" });
        expect(c.resources).to.deep.equal(LOG_SERVICE.resources);
        validateAgainstSchema(sts as any);
        validateAgainstSchema(buildLogServiceService(v) as any);
    });

    it("runs under the restricted profile and passes every policy rule but log-service-closed (opened with access.open)", () => {
        const spec = buildLogServicePodSpec(validateLogService("logs", { access: { open: true } }));
        expect(spec.securityContext).to.include({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 });
        expect(spec.containers[0].securityContext).to.include({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
        });
        expect(evaluate(spec as any)).to.deep.equal({
            "log-service-closed": [
                'victoria-logs: VictoriaLogs serves its HTTP API at ":9428" with no authentication: whoever reaches the pod reads and writes every record',
            ],
        });
    });

    it("a Service in front of its HTTP API and its syslog input, selecting only its pod", () => {
        const v = validateLogService("logs", { access: { open: true }, namespace: "observability" });
        const svc = buildLogServiceService(v);
        expect(svc.metadata).to.deep.include({ name: "logs", namespace: "observability" });
        expect(svc.spec.ports.map((p) => [p.name, p.port])).to.deep.equal([
            ["http", 9428],
            ["syslog", 5140],
        ]);
        expect(svc.spec.selector).to.deep.equal(buildLogServiceStatefulSet(v).spec.selector.matchLabels);
    });

    it("options: retention, storage and its class, image, resources merged over the defaults", () => {
        const v = validateLogService("logs", {
            access: { open: true },
            retentionPeriod: "36h",
            storageSize: "50Gi",
            storageClassName: "fast",
            image: "registry.example.com/victoria-logs:v1.52.1",
            resources: { limits: { memory: "4Gi" } },
        });
        const sts = buildLogServiceStatefulSet(v);
        expect(sts.spec.template.spec.containers[0].args).to.include("-retentionPeriod=36h");
        expect(sts.spec.volumeClaimTemplates[0].spec).to.deep.include({ storageClassName: "fast" });
        expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).to.equal("50Gi");
        expect(v.resources).to.deep.equal({
            requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "64Mi" },
            limits: { cpu: "1", memory: "4Gi", "ephemeral-storage": "256Mi" },
        });
    });

    it("the component registers the Service and the StatefulSet; its bulkUrl is a WebserverPod's destination", async () => {
        const logs = new LogService("logs", { access: { open: true } });
        const [url, ui, syslog] = await Promise.all([
            promiseOf(logs.bulkUrl),
            promiseOf(logs.uiUrl),
            promiseOf(logs.syslogAddress),
        ]);
        await settle();
        expect(registered("logs-service")[0].type).to.equal("kubernetes:core/v1:Service");
        expect(registered("logs-statefulset")[0].type).to.equal("kubernetes:apps/v1:StatefulSet");
        // No namespace named: the bare name, which resolves from its own namespace.
        expect(url).to.equal(`http://logs:9428/insert/elasticsearch?${VICTORIALOGS_BULK_QUERY}`);
        expect(ui).to.equal("http://logs:9428/select/vmui/");
        expect(syslog).to.equal("logs:5140");
        expect(validateArgs("w", { destination: { elasticsearch: { url } } }).destination).to.deep.include({
            server: "http://logs:9428/insert/elasticsearch",
            query: VICTORIALOGS_BULK_QUERY,
        });
        const web = new WebserverPod("to-logs", { destination: { elasticsearch: { url: logs.bulkUrl } } });
        await promiseOf(web.readyContainers);
        await settle();
        expect(registered("to-logs-agent-conf")[0].inputs.data["rsyslog.conf"]).to.contain(
            'server="http://logs:9428/insert/elasticsearch"',
        );
    });

    it("with a namespace, its URLs name it, so clients in other namespaces reach it", async () => {
        const logs = new LogService("logs-ns", { access: { open: true }, name: "logs", namespace: "observability" });
        expect(await promiseOf(logs.bulkUrl)).to.match(
            /^http:\/\/logs\.observability\.svc:9428\/insert\/elasticsearch\?/,
        );
        expect(await promiseOf(logs.uiUrl)).to.equal("http://logs.observability.svc:9428/select/vmui/");
    });

    it("queryUrls open the web UI on the ready questions, over the last 24 hours, in the UI's fragment route", async () => {
        const logs = new LogService("logs-q", { access: { open: true }, name: "logs" });
        const urls = await promiseOf(logs.queryUrls);
        expect(Object.keys(urls).sort()).to.deep.equal(["errorsByPod", "last24h", "slowestRequests"]);
        expect(urls.errorsByPod).to.equal(
            "http://logs:9428/select/vmui/#/?query=_time%3A24h%20log%3Aaccess%20status%3A%3E%3D500%20%7C%20stats%20by%20(pod)%20count()%20as%20errors&g0.range_input=24h",
        );
        for (const [k, u] of Object.entries(urls)) {
            const url = new URL(u);
            expect(url.search, `${k}: the UI reads the query after #/`).to.equal("");
            const params = new URLSearchParams(url.hash.replace(/^#\/\?/, ""));
            expect(params.get("query"), k).to.equal(LOG_QUERIES[k as keyof typeof LOG_QUERIES]);
            expect(params.get("g0.range_input"), k).to.equal("24h");
        }
        // Each question is LogsQL over the last 24 hours of the fields the access log writes.
        for (const q of Object.values(LOG_QUERIES)) expect(q).to.match(/^_time:24h /);
        for (const field of ["status", "request_time", "request_id", "path", "method"])
            expect(Object.keys(ACCESS_LOG_FIELDS)).to.include(field);
    });

    describe("bad values, before anything is registered", () => {
        const BAD: Array<[Record<string, unknown>, string, string]> = [
            [{ retentionPeriod: "12h" }, 'invalid args.retentionPeriod "12h"', "of at least 24h"],
            [{ retentionPeriod: "2 days" }, 'invalid args.retentionPeriod "2 days"', "a VictoriaLogs duration"],
            [{ storageSize: "512Mi" }, 'invalid args.storageSize "512Mi"', "must be at least 1Gi"],
            [{ storageSize: "10G b" }, 'invalid args.storageSize "10G b"', "must be a Kubernetes quantity"],
            [{ name: "Logs" }, 'invalid args.name "Logs"', "DNS-1035 label"],
            [{ image: "bad image" }, 'invalid args.image "bad image"', ""],
            [
                { resources: { requests: { cpu: "2" } } },
                'invalid args.resources.requests.cpu "2"',
                "must not exceed resources.limits.cpu (1)",
            ],
            [{ retentionPeriode: "2d" }, 'invalid args.retentionPeriode "2d"', 'did you mean "retentionPeriod"?'],
        ];
        for (const [args, head, rule] of BAD)
            it(`${JSON.stringify(args)}`, () => {
                let err: unknown;
                const before = registered(`bad-logs`).length;
                try {
                    new LogService("bad-logs", { access: { open: true }, ...args } as any);
                } catch (e) {
                    err = e;
                }
                expect(err).to.be.instanceOf(LogServiceArgError);
                expect((err as Error).message)
                    .to.contain(`LogService "bad-logs": ${head}`)
                    .and.contain(rule);
                expect(registered("bad-logs")).to.have.length(before);
            });

        it("a namespace that is no DNS label (checked by the same function when an Output resolves)", () => {
            expect(() =>
                validateLogService("late-logs", { access: { open: true }, namespace: "Not_A_Label" }),
            ).to.throw(LogServiceArgError, 'LogService "late-logs": invalid args.namespace "Not_A_Label"');
        });
    });
});
