// LogService's alerting: vmalert's rules (LogsQL) and objects, its options' defaults and mistakes.
// The rules themselves run against VictoriaLogs in tests/shipper/logservice-alerts.test.ts, and on
// the real node in tests/integration/prod-stack.test.ts.
import { registered, settle } from "../helpers/mocks";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    ALERT_NAMES,
    alertRules,
    LOG_ALERTING,
    LogService,
    LogServiceArgError,
    validateLogService,
} from "../../components";
import { alertRulesFile, buildAlertingObjects, vmalertArgs } from "../../components/logService/alerting";
import { evaluate } from "../../policy/rules";
import { validateAgainstSchema } from "../../scripts/lib/schema";
import { NODE_IMAGES } from "../../scripts/lib/nodeImages";
import { qualified } from "../../scripts/lib/images";

const NOTIFIER = "http://alertmanager.monitoring.svc:9093";

/** The args' problems, as LogServiceArgError lists them: "arg: rule" per problem. */
function problems(alerting: unknown): string[] {
    try {
        validateLogService("logs", { access: { open: true }, alerting } as any);
    } catch (e) {
        if (!(e instanceof LogServiceArgError)) throw e;
        return e.issues.map((i) => `${i.arg} ${JSON.stringify(i.value)}: ${i.rule}`);
    }
    return [];
}

describe("LogService alerting (vmalert)", () => {
    it("is off by default: no alerting in the validated args, nothing but the Service and the StatefulSet registered", async () => {
        expect(validateLogService("logs", { access: { open: true } })).to.not.have.property("alerting");
        new LogService("quiet", { access: { open: true } });
        await settle();
        expect(registered("quiet-alert-rules")).to.have.length(0);
        expect(registered("quiet-vmalert")).to.have.length(0);
    });

    it("defaults: 10 5xx from one pod in 5 minutes; a pod silent for 10 minutes after sending in the hour before; evaluated every minute", () => {
        const v = validateLogService("logs", { access: { open: true }, alerting: { notifierUrl: NOTIFIER } }).alerting!;
        expect(v).to.deep.equal({
            notifierUrl: NOTIFIER,
            errorThreshold: 10,
            errorWindowSeconds: 300,
            silentAfterSeconds: 600,
            silenceLookbackSeconds: 3600,
            evaluationIntervalSeconds: 60,
            image: LOG_ALERTING.image,
        });
        const [group] = alertRules(v).groups;
        expect(group).to.deep.include({ name: "webserver-logs", type: "vlogs", interval: "60s", eval_delay: "0s" });
        const [errors, silent] = group.rules;
        expect(errors.alert).to.equal(ALERT_NAMES.errors);
        expect(errors.expr).to.equal(
            "_time:300s log:access status:>=500 | stats by (namespace, pod) count() as errors | filter errors:>=10",
        );
        expect(silent.alert).to.equal(ALERT_NAMES.silent);
        expect(silent.expr).to.equal(
            "_time:3600s | stats by (namespace, pod) count() if (_time:600s) as recent, count() as earlier | filter recent:=0 | fields namespace, pod, earlier",
        );
        // Each rule carries its own time filter: vmalert then queries exactly that window.
        for (const r of group.rules) expect(r.expr).to.match(/^_time:\d+s /);
    });

    it("options reach the rules: threshold, windows and interval, in seconds whatever unit was given", () => {
        const v = validateLogService("logs", {
            access: { open: true },
            alerting: {
                notifierUrl: NOTIFIER,
                errorThreshold: 3,
                errorWindow: "2m",
                silentAfter: "1m30s",
                silenceLookback: "2h",
                evaluationInterval: "10s",
                image: "registry.example.com/vmalert:v1.151.0",
            },
        }).alerting!;
        const [group] = alertRules(v).groups;
        expect(group.interval).to.equal("10s");
        expect(group.rules[0].expr).to.equal(
            "_time:120s log:access status:>=500 | stats by (namespace, pod) count() as errors | filter errors:>=3",
        );
        expect(group.rules[1].expr).to.contain("_time:7200s |").and.contain("count() if (_time:90s) as recent");
        expect(buildAlertingObjects("logs", undefined, v).deployment.spec.template.spec.containers[0].image).to.equal(
            "registry.example.com/vmalert:v1.151.0",
        );
    });

    it("the rules file is JSON (YAML to vmalert) and reads back as the rules; a change of rules is a new ConfigMap name", () => {
        const a = validateLogService("logs", { access: { open: true }, alerting: { notifierUrl: NOTIFIER } }).alerting!;
        const b = validateLogService("logs", {
            access: { open: true },
            alerting: { notifierUrl: NOTIFIER, errorThreshold: 11 },
        }).alerting!;
        expect(JSON.parse(alertRulesFile(a))).to.deep.equal(alertRules(a));
        const [oa, ob] = [buildAlertingObjects("logs", undefined, a), buildAlertingObjects("logs", undefined, b)];
        expect(oa.configMap.metadata.name).to.match(/^logs-alert-rules-[0-9a-f]{8}$/);
        expect(ob.configMap.metadata.name).to.not.equal(oa.configMap.metadata.name);
        expect(oa.configMap.data).to.deep.equal({ [LOG_ALERTING.rulesFile]: alertRulesFile(a) });
        expect(oa.deployment.spec.template.spec.volumes).to.deep.equal([
            { name: "rules", configMap: { name: oa.configMap.metadata.name } },
        ]);
    });

    it("vmalert queries the LogService by its Service's name and notifies the Alertmanager; its Deployment passes every policy rule", () => {
        const v = validateLogService("logs", {
            access: { open: true },
            namespace: "observability",
            alerting: { notifierUrl: NOTIFIER },
        });
        const { configMap, deployment } = buildAlertingObjects(v.name, v.namespace, v.alerting!);
        expect(vmalertArgs("logs", v.alerting!)).to.deep.equal([
            "-rule=/etc/vmalert/rules.yaml",
            "-rule.defaultRuleType=vlogs",
            "-datasource.url=http://logs:9428",
            `-notifier.url=${NOTIFIER}`,
            "-evaluationInterval=60s",
            "-httpListenAddr=:8880",
        ]);
        expect(deployment.metadata).to.deep.include({ name: "logs-vmalert", namespace: "observability" });
        expect(configMap.metadata.namespace).to.equal("observability");
        const spec = deployment.spec.template.spec;
        expect(spec.containers[0].args).to.deep.equal(vmalertArgs("logs", v.alerting!));
        expect(spec.containers[0].volumeMounts).to.deep.equal([
            { name: "rules", mountPath: "/etc/vmalert", readOnly: true },
        ]);
        expect(deployment.spec.selector.matchLabels).to.deep.equal(deployment.spec.template.metadata.labels);
        // Not the LogService's pod: its Service must not select vmalert.
        expect(deployment.spec.selector.matchLabels["app.kubernetes.io/name"]).to.equal("vmalert");
        expect(spec.securityContext).to.include({ runAsNonRoot: true, runAsUser: 65534 });
        expect(evaluate(spec as any)).to.deep.equal({});
        validateAgainstSchema(deployment as any);
        validateAgainstSchema(configMap as any);
    });

    it("the component registers the rules' ConfigMap and vmalert's Deployment, after the Service", async () => {
        new LogService("alerting", { access: { open: true }, name: "logs", alerting: { notifierUrl: NOTIFIER } });
        await settle();
        const [cm] = registered("alerting-alert-rules");
        const [dep] = registered("alerting-vmalert");
        expect(cm.type).to.equal("kubernetes:core/v1:ConfigMap");
        expect(dep.type).to.equal("kubernetes:apps/v1:Deployment");
        expect(dep.inputs.spec.template.spec.volumes[0].configMap.name).to.equal(cm.inputs.metadata.name);
        expect(
            JSON.parse(cm.inputs.data[LOG_ALERTING.rulesFile]).groups[0].rules.map((r: any) => r.alert),
        ).to.deep.equal([ALERT_NAMES.errors, ALERT_NAMES.silent]);
    });

    it("its image is the vmalert release tools/versions.env pins, and the real node serves it", () => {
        const env = fs.readFileSync(path.join(__dirname, "..", "..", "tools", "versions.env"), "utf8");
        const version = /^VMALERT_VERSION=(\S+)$/m.exec(env)![1];
        expect(LOG_ALERTING.image).to.equal(`victoriametrics/vmalert:v${version}`);
        expect(Object.keys(NODE_IMAGES)).to.include(qualified(LOG_ALERTING.image));
    });

    describe("mistakes, named with their value, before anything is registered", () => {
        const cases: Array<[unknown, RegExp]> = [
            [{}, /^alerting\.notifierUrl undefined: must name the Alertmanager/],
            [
                { notifierUrl: "alertmanager:9093" },
                /^alerting\.notifierUrl "alertmanager:9093": must be an http:\/\/ or https:\/\/ URL/,
            ],
            [{ notifierUrl: "not a url" }, /^alerting\.notifierUrl "not a url": must be a URL such as/],
            [
                { notifierUrl: "http://am:9093?x=1" },
                /^alerting\.notifierUrl "http:\/\/am:9093\?x=1": must not have a \?query/,
            ],
            [{ notifierUrl: 'http://am"x:9093' }, /must name its server by a DNS name/],
            [
                { notifierUrl: NOTIFIER, errorThreshold: 0 },
                /^alerting\.errorThreshold 0: must be an integer from 1 to 1000000/,
            ],
            [{ notifierUrl: NOTIFIER, errorThreshold: 2.5 }, /^alerting\.errorThreshold 2\.5: must be an integer/],
            [
                { notifierUrl: NOTIFIER, errorWindow: "5 minutes" },
                /^alerting\.errorWindow "5 minutes": must be a duration/,
            ],
            [
                { notifierUrl: NOTIFIER, evaluationInterval: "0s" },
                /^alerting\.evaluationInterval "0s": must be at least 1s/,
            ],
            [
                { notifierUrl: NOTIFIER, evaluationInterval: "2m", errorWindow: "1m" },
                /^alerting\.errorWindow "1m": must be at least 120s \(evaluationInterval, 120s\)/,
            ],
            [
                { notifierUrl: NOTIFIER, evaluationInterval: "2m", silentAfter: "90s" },
                /^alerting\.silentAfter "90s": must be at least 120s/,
            ],
            [
                { notifierUrl: NOTIFIER, silentAfter: "1h" },
                /^alerting\.silenceLookback "1h": must be longer than silentAfter \(3600s\)/,
            ],
            [{ notifierUrl: NOTIFIER, image: "Bad Image" }, /^alerting\.image "Bad Image": must be an image reference/],
            [{ notifierUrl: NOTIFIER, treshold: 3 }, /^alerting\.treshold 3: is not an option/],
            ["on", /^alerting "on": must be an object with the keys notifierUrl/],
        ];
        for (const [alerting, expected] of cases)
            it(JSON.stringify(alerting), () => {
                const found = problems(alerting);
                expect(found, found.join("\n")).to.have.length(1);
                expect(found[0]).to.match(expected);
            });

        it("credentials in the URL are refused, and not shown", () => {
            const found = problems({ notifierUrl: "https://alice:s3cr3t@am.example.com:9093" });
            expect(found).to.have.length(1);
            expect(found[0]).to.contain('"https://***@am.example.com:9093"').and.contain("must not carry credentials");
            expect(found[0]).to.not.contain("s3cr3t");
        });

        it("the component throws before registering anything", async () => {
            expect(
                () => new LogService("bad-alerting", { access: { open: true }, alerting: { notifierUrl: "ftp://am" } }),
            ).to.throw(LogServiceArgError, 'invalid args.alerting.notifierUrl "ftp://am"');
            await settle();
            expect(registered("bad-alerting-service")).to.have.length(0);
        });
    });
});
