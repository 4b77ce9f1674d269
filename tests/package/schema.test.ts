// What `pulumi package add` gives Python, Go, C# and YAML programs: the schema the SDK infers
// from the TypeScript args interface, run offline through the SDK's own component provider.
import { expect } from "chai";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import * as fs from "fs";
import { LogService, LOG_SERVICE_TYPE, WebserverPod, WEBSERVER_POD_TYPE } from "../../components";
import { STACK_KEYS } from "../../program/stackConfig";

const ROOT = path.resolve(__dirname, "..", "..");

describe("multi-language schema (component schema inference)", function () {
    this.timeout(120_000);
    let schema: any;

    before(async () => {
        const provider = new ComponentProvider({
            components: [WebserverPod as any, LogService as any],
            dirname: ROOT,
            name: "webserver-sidecar",
        });
        schema = JSON.parse(await provider.getSchema());
    });

    it("lists WebserverPod and LogService under the package's type tokens", () => {
        expect(schema.name).to.equal("webserver-sidecar");
        expect(Object.keys(schema.resources).sort()).to.deep.equal([LOG_SERVICE_TYPE, WEBSERVER_POD_TYPE].sort());
        expect(schema.resources[WEBSERVER_POD_TYPE].isComponent).to.equal(true);
        expect(schema.resources[LOG_SERVICE_TYPE].isComponent).to.equal(true);
    });

    it("LogService: every option an optional, documented input; its URLs as outputs", () => {
        const r = schema.resources[LOG_SERVICE_TYPE];
        expect(Object.keys(r.inputProperties).sort()).to.deep.equal([
            "access",
            "alerting",
            "cluster",
            "image",
            "name",
            "namespace",
            "resources",
            "retentionPeriod",
            "storageClassName",
            "storageSize",
        ]);
        // Closed by default: access is required (its passwords, or open: true said explicitly).
        expect(r.requiredInputs ?? []).to.deep.equal(["access"]);
        for (const [name, p] of Object.entries<any>(r.inputProperties))
            expect(p.description, `${name} is documented`).to.be.a("string").and.not.equal("");
        expect(Object.keys(r.properties).sort()).to.deep.equal([
            "access",
            "bulkUrl",
            "destination",
            "ingestSecretName",
            "namespace",
            "queryUrls",
            "readerSecretName",
            "serviceName",
            "syslogAddress",
            "uiLogin",
            "uiUrl",
        ]);
        // access decides which objects exist: a plain object; its passwords inputs (secrets).
        expect(r.inputProperties.access).to.deep.include({
            $ref: "#/types/webserver-sidecar:index:LogServiceAccess",
            plain: true,
        });
        // destination: the Destination type a WebserverPod takes, so it is passed as it is.
        expect(r.properties.destination).to.deep.include({ $ref: "#/types/webserver-sidecar:index:Destination" });
        // alerting and cluster decide which objects exist: plain objects; alerting's notifierUrl required.
        expect(r.inputProperties.alerting).to.deep.include({
            $ref: "#/types/webserver-sidecar:index:LogServiceAlerting",
            plain: true,
        });
        expect(r.inputProperties.cluster).to.deep.include({
            $ref: "#/types/webserver-sidecar:index:LogServiceCluster",
            plain: true,
        });
        expect(schema.types["webserver-sidecar:index:LogServiceAlerting"].required).to.deep.equal(["notifierUrl"]);
        // The web UI's ready questions: a type with a documented link each.
        const queryUrls = schema.types[r.properties.queryUrls.$ref.replace("#/types/", "")];
        expect(Object.keys(queryUrls.properties).sort()).to.deep.equal(["errorsByPod", "last24h", "slowestRequests"]);
    });

    it("has every option as an optional input, documented", () => {
        const inputs = schema.resources[WEBSERVER_POD_TYPE].inputProperties;
        // The options the stack config reaches are exactly the component's inputs.
        expect(Object.keys(inputs).sort()).to.deep.equal(Object.keys(STACK_KEYS).sort());
        expect(schema.resources[WEBSERVER_POD_TYPE].requiredInputs).to.deep.equal([]);
        for (const [name, p] of Object.entries<any>(inputs)) {
            expect(p.optional, name).to.equal(true);
            expect(p.description, `${name} is documented`).to.be.a("string").and.not.equal("");
        }
        expect(inputs.podName.type).to.equal("string");
        expect(inputs.labels).to.deep.include({ type: "object", additionalProperties: { type: "string" } });
        expect(inputs.security.plain, "security decides which resources exist").to.equal(true);
    });

    it("has the outputs of both workloads", () => {
        expect(Object.keys(schema.resources[WEBSERVER_POD_TYPE].properties).sort()).to.deep.equal([
            "namespace",
            "podIp",
            "podName",
            "readyContainers",
            "readyReplicas",
            "serviceIp",
            "serviceName",
            "status",
            "workload",
        ]);
        expect(schema.resources[WEBSERVER_POD_TYPE].properties.podIp.type).to.equal("string");
    });

    it("turns the option types into schema types and enums", () => {
        const t = schema.types;
        expect(t["webserver-sidecar:index:SecurityProfile"].enum.map((e: any) => e.value)).to.deep.equal([
            "baseline",
            "restricted",
        ]);
        expect(t["webserver-sidecar:index:Shipper"].enum.map((e: any) => e.value)).to.deep.equal([
            "cat-loop",
            "stream",
        ]);
        expect(t["webserver-sidecar:index:Workload"].enum.map((e: any) => e.value)).to.deep.equal([
            "Pod",
            "Deployment",
        ]);
        expect(t["webserver-sidecar:index:ImagePullPolicy"].enum.map((e: any) => e.value)).to.deep.equal([
            "Always",
            "IfNotPresent",
            "Never",
        ]);
        expect(Object.keys(t["webserver-sidecar:index:ResourceQuantities"].properties).sort()).to.deep.equal([
            "cpu",
            "ephemeralStorage",
            "memory",
        ]);
        expect(Object.keys(t["webserver-sidecar:index:Retention"].properties).sort()).to.deep.equal([
            "maxAge",
            "maxSize",
        ]);
        // destination: an input (a LogService's destination output passes as it is), its address required.
        const inputs = schema.resources[WEBSERVER_POD_TYPE].inputProperties;
        expect(inputs.destination).to.deep.include({ $ref: "#/types/webserver-sidecar:index:Destination" });
        expect(inputs.destination).to.not.have.property("plain");
        const syslog = t["webserver-sidecar:index:SyslogDestination"];
        expect(syslog.required).to.deep.equal(["address"]);
        expect(syslog.properties.address.type).to.equal("string");
        expect(t["webserver-sidecar:index:SyslogProtocol"].enum.map((e: any) => e.value)).to.deep.equal([
            "relp",
            "tcp",
        ]);
    });

    // The SDKs of Python, Go, C# and Java add "Args" to every input type's name themselves: a type
    // named `RetentionArgs` here became `RetentionArgsArgs` there (before 0.2.0).
    it("names no type with an Args suffix: the generated SDKs add their own", () => {
        const doubled = Object.keys(schema.types).filter((t) => /Args$/.test(t));
        expect(doubled).to.deep.equal([]);
    });

    it("documents both components, every property of every resource and type, and every enum value", () => {
        const missing: string[] = [];
        for (const [token, r] of Object.entries<any>(schema.resources)) {
            if (!r.description) missing.push(token);
            for (const [k, p] of Object.entries<any>({ ...r.inputProperties, ...r.properties }))
                if (!p.description) missing.push(`${token}.${k}`);
        }
        for (const [token, t] of Object.entries<any>(schema.types)) {
            for (const [k, p] of Object.entries<any>(t.properties ?? {}))
                if (!p.description) missing.push(`${token}.${k}`);
            for (const e of t.enum ?? []) if (!e.description) missing.push(`${token}.${e.value}`);
        }
        expect(missing).to.deep.equal([]);
    });

    // @pulumi/pulumi's schema generator (provider/experimental/schema.js) drops a type's own
    // description, though its analyzer reads it: checked where the SDK reads it, so each type is
    // described the day the generator passes it on (and an undocumented type shows here now).
    it("describes every type where the SDK's analyzer reads it (its schema generator drops it as yet)", () => {
        const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const analyzed = new Analyzer(
            ROOT,
            "webserver-sidecar",
            packageJson,
            new Set(["WebserverPod", "LogService"]),
        ).analyze();
        const types = Object.values(analyzed.typeDefinitions);
        expect(types.map((t) => t.name).sort()).to.deep.equal(
            Object.keys(schema.types)
                .map((t) => t.split(":").pop())
                .sort(),
        );
        expect(types.filter((t) => !t.description).map((t) => t.name)).to.deep.equal([]);
    });
});
