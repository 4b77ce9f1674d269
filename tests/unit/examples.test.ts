// examples/: the five programs declare the same things (the integration suite deploys each and
// checks the same outputs and objects for all), each in its own language's spelling, and each
// project file names its runtime. What each program does is proved there; this keeps them alike.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");

/** Each example: its runtime, its program file, and how it spells each value the suite checks. */
const EXPECTED: Record<string, { runtime: string; program: string; spells: RegExp[] }> = {
    typescript: {
        runtime: "nodejs",
        program: "index.ts",
        spells: [
            /new LogService\("logs", \{\n {4}retentionPeriod: "7d",\n {4}access: \{\n {8}ingestPassword: config\.requireSecret\("logsIngestPassword"\),\n {8}readerPassword: config\.requireSecret\("logsReaderPassword"\),/,
            /podName: "webserver",/,
            /shipper: "stream",/,
            /retention: \{ maxAge: "24h", maxSize: "64Mi" \}/,
            /podName: "webserver-api",/,
            /workload: "Deployment",/,
            /replicas: 2,/,
            /destination: logs\.destination,/,
            /dependsOn: \[logs\]/,
            /export const podIp = web\.podIp;/,
            /export const podStatus = web\.status;/,
            /export const apiReadyReplicas = api\.readyReplicas;/,
            /export const logsUrl = logs\.uiUrl;/,
            /export const logsLogin = logs\.uiLogin;/,
        ],
    },
    python: {
        runtime: "python",
        program: "__main__.py",
        spells: [
            /LogService\(\n {4}"logs",\n {4}retention_period="7d",\n {4}access=webserver_sidecar\.LogServiceAccessArgs\(\n {8}ingest_password=config\.require_secret\("logsIngestPassword"\),\n {8}reader_password=config\.require_secret\("logsReaderPassword"\),/,
            /pod_name="webserver",/,
            /shipper=webserver_sidecar\.Shipper\.STREAM,/,
            /retention=webserver_sidecar\.RetentionArgs\(max_age="24h", max_size="64Mi"\)/,
            /pod_name="webserver-api",/,
            /workload=webserver_sidecar\.Workload\.DEPLOYMENT,/,
            /replicas=2,/,
            /destination=logs\.destination,/,
            /depends_on=\[logs\]/,
            /pulumi\.export\("podIp", web\.pod_ip\)/,
            /pulumi\.export\("podStatus", web\.status\)/,
            /pulumi\.export\("apiReadyReplicas", api\.ready_replicas\)/,
            /pulumi\.export\("logsUrl", logs\.ui_url\)/,
            /pulumi\.export\("logsLogin", logs\.ui_login\)/,
        ],
    },
    yaml: {
        runtime: "yaml",
        program: "Pulumi.yaml",
        spells: [
            /logsIngestPassword:\n {4}type: string\n {4}secret: true\n {2}logsReaderPassword:\n {4}type: string\n {4}secret: true/,
            /logs:\n {4}type: webserver-sidecar:index:LogService\n {4}properties:\n {6}retentionPeriod: 7d\n {6}access:\n {8}ingestPassword: \$\{logsIngestPassword\}\n {8}readerPassword: \$\{logsReaderPassword\}/,
            /podName: webserver\n/,
            /shipper: stream/,
            /retention:\n {8}maxAge: 24h\n {8}maxSize: 64Mi/,
            /podName: webserver-api/,
            /workload: Deployment/,
            /replicas: 2/,
            /destination:\n {8}elasticsearch:\n {10}url: \$\{logs\.bulkUrl\}\n {10}auth:\n {12}basicAuthSecret: \$\{logs\.ingestSecretName\}\n {12}allowPlainHttp: true/,
            /dependsOn:\n {8}- \$\{logs\}/,
            /podIp: \$\{web\.podIp\}/,
            /podStatus: \$\{web\.status\}/,
            /apiReadyReplicas: \$\{api\.readyReplicas\}/,
            /logsUrl: \$\{logs\.uiUrl\}/,
            /logsLogin: \$\{logs\.uiLogin\}/,
        ],
    },
    go: {
        runtime: "go",
        program: "main.go",
        spells: [
            /NewLogService\(ctx, "logs", &webserversidecar\.LogServiceArgs\{\n\s+RetentionPeriod: pulumi\.StringRef\("7d"\),\n\s+Access: webserversidecar\.LogServiceAccessArgs\{\n\s+IngestPassword: cfg\.RequireSecret\("logsIngestPassword"\),\n\s+ReaderPassword: cfg\.RequireSecret\("logsReaderPassword"\),/,
            /PodName: pulumi\.String\("webserver"\),/,
            /Shipper: webserversidecar\.ShipperStream,/,
            /MaxAge: {2}pulumi\.String\("24h"\),\n\s+MaxSize: pulumi\.String\("64Mi"\),/,
            /PodName: {2}pulumi\.String\("webserver-api"\),/,
            /deployment := webserversidecar\.WorkloadDeployment/,
            /Replicas: pulumi\.Float64Ref\(2\),/,
            /Destination: logs\.Destination,/,
            /pulumi\.DependsOn\(\[\]pulumi\.Resource\{logs\}\)/,
            /ctx\.Export\("podIp", web\.PodIp\)/,
            /ctx\.Export\("podStatus", web\.Status\)/,
            /ctx\.Export\("apiReadyReplicas", api\.ReadyReplicas\)/,
            /ctx\.Export\("logsUrl", logs\.UiUrl\)/,
            /ctx\.Export\("logsLogin", logs\.UiLogin\)/,
        ],
    },
    java: {
        runtime: "java",
        program: "src/main/java/example/App.java",
        spells: [
            /new LogService\("logs", LogServiceArgs\.builder\(\)\n\s+\.retentionPeriod\("7d"\)\n\s+\.access\(LogServiceAccessArgs\.builder\(\)\n\s+\.ingestPassword\(ctx\.config\(\)\.requireSecret\("logsIngestPassword"\)\)\n\s+\.readerPassword\(ctx\.config\(\)\.requireSecret\("logsReaderPassword"\)\)/,
            /\.podName\("webserver"\)/,
            /\.shipper\(Shipper\.Stream\)/,
            /RetentionArgs\.builder\(\)\.maxAge\("24h"\)\.maxSize\("64Mi"\)\.build\(\)/,
            /\.podName\("webserver-api"\)/,
            /\.workload\(Workload\.Deployment\)/,
            /\.replicas\(2\.0\)/,
            /ElasticsearchDestinationArgs\.builder\(\)\n\s+\.url\(logs\.bulkUrl\(\)\)\n\s+\.auth\(ElasticsearchAuthArgs\.builder\(\)\n\s+\.basicAuthSecret\(logs\.ingestSecretName\(\)\)\n\s+\.allowPlainHttp\(true\)/,
            /ComponentResourceOptions\.builder\(\)\.dependsOn\(logs\)/,
            /ctx\.export\("podIp", web\.podIp\(\)\)/,
            /ctx\.export\("podStatus", web\.status\(\)\)/,
            /ctx\.export\("apiReadyReplicas", api\.readyReplicas\(\)\)/,
            /ctx\.export\("logsUrl", logs\.uiUrl\(\)\)/,
            /ctx\.export\("logsLogin", logs\.uiLogin\(\)\)/,
        ],
    },
};

describe("examples/", () => {
    it("has one directory per language the suite deploys, and nothing else", () => {
        const dirs = fs
            .readdirSync(EXAMPLES, { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => d.name);
        expect(dirs.sort()).to.deep.equal(Object.keys(EXPECTED).sort());
    });

    for (const [language, e] of Object.entries(EXPECTED)) {
        it(`${language}: Pulumi.yaml names the ${e.runtime} runtime, and the program declares what the others do`, () => {
            const project = parse(fs.readFileSync(path.join(EXAMPLES, language, "Pulumi.yaml"), "utf8"));
            expect(project.runtime?.name ?? project.runtime).to.equal(e.runtime);
            expect(project.name).to.equal(`webserver-example-${language}`);
            const program = fs.readFileSync(path.join(EXAMPLES, language, e.program), "utf8");
            for (const spelling of e.spells) expect(program, `${language} ${e.program}`).to.match(spelling);
        });
    }

    it("typescript asks npm for this package at its version's range, and for the peers it declares", () => {
        const root = JSON.parse(fs.readFileSync(path.join(EXAMPLES, "..", "package.json"), "utf8"));
        const example = JSON.parse(fs.readFileSync(path.join(EXAMPLES, "typescript", "package.json"), "utf8"));
        const [major, minor] = root.version.split(".");
        expect(example.dependencies[root.name]).to.equal(`^${major}.${minor}.0`);
        for (const peer of Object.keys(root.peerDependencies))
            expect(example.dependencies, `the example depends on ${peer}`).to.have.property(peer);
    });

    it("java's pom.xml compiles the SDK `pulumi package add` writes, where it writes it", () => {
        const pom = fs.readFileSync(path.join(EXAMPLES, "java", "pom.xml"), "utf8");
        expect(pom).to.contain("<sdk.dir>${project.basedir}/sdks/webserver-sidecar</sdk.dir>");
        expect(pom).to.contain("<source>${sdk.dir}/src/main/java</source>");
        expect(pom).to.contain("<mainClass>example.App</mainClass>");
    });
});
