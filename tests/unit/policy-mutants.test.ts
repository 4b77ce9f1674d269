// The policy rules at their edges: each case a pod spec one rule must flag (with its exact
// message) or pass. Written from `npm run mutate`'s survivors in policy/rules.ts (docs/testing.md,
// "Stryker"): the half-set resources, a port-serving container not named nginx, a registry port
// taken for a tag, `runAsUser: 0` beside `runAsNonRoot`, capabilities added back, workloads
// without a template, configs spaced as RainerScript allows.
import { expect } from "chai";
import { checkObjects } from "../../policy/offline";
import { evaluate, podSpecOf, RULES, WORKLOADS } from "../../policy/rules";
import { configMapFindings } from "../helpers/policyFindings";

const rule = (id: string) => RULES.find((r) => r.id === id)!;
/** A pod spec of one container `c` (named "web"), the rest of the pod from `pod`. */
const pod = (c: object, extra: object = {}) => ({ containers: [{ name: "web", ...c }], ...extra });

describe("policy rules at their edges", () => {
    const RESOURCES: Array<[string, string, string]> = [
        ["cpu-requests-limits", "cpu", "no cpu request or limit"],
        ["memory-requests-limits", "memory", "no memory request or limit"],
        ["ephemeral-storage-requests-limits", "ephemeral-storage", "no ephemeral-storage request or limit"],
    ];
    for (const [id, resource, message] of RESOURCES)
        it(`${id}: a request without a limit, or a limit without a request, fails; both pass`, () => {
            const check = rule(id).check;
            expect(check(pod({}))).to.deep.equal([`web: ${message}`]);
            expect(check(pod({ resources: {} }))).to.deep.equal([`web: ${message}`]);
            expect(check(pod({ resources: { requests: { [resource]: "1" } } }))).to.deep.equal([`web: ${message}`]);
            expect(check(pod({ resources: { limits: { [resource]: "1" } } }))).to.deep.equal([`web: ${message}`]);
            expect(
                check(pod({ resources: { requests: { [resource]: "1" }, limits: { [resource]: "1" } } })),
            ).to.deep.equal([]);
        });

    it("readiness-probe: any container with a port serves, whatever its name; one without ports does not", () => {
        const check = rule("readiness-probe").check;
        expect(check(pod({ ports: [{ containerPort: 8080 }] }))).to.deep.equal(["web: no readiness probe"]);
        expect(
            check(pod({ ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 } } })),
        ).to.deep.equal([]);
        expect(check(pod({}))).to.deep.equal([]);
        expect(check(pod({ ports: [] }))).to.deep.equal([]);
    });

    it("liveness-probe, image-pull-policy-always, read-only-root-filesystem, no-privilege-escalation: their messages", () => {
        expect(rule("liveness-probe").check(pod({}))).to.deep.equal(["web: no liveness probe"]);
        expect(rule("image-pull-policy-always").check(pod({ imagePullPolicy: "IfNotPresent" }))).to.deep.equal([
            "web: imagePullPolicy is not Always",
        ]);
        expect(rule("image-pull-policy-always").check(pod({ imagePullPolicy: "Always" }))).to.deep.equal([]);
        expect(rule("read-only-root-filesystem").check(pod({}))).to.deep.equal(["web: root filesystem is writable"]);
        expect(rule("no-privilege-escalation").check(pod({ securityContext: {} }))).to.deep.equal([
            "web: privilege escalation allowed",
        ]);
    });

    it("image-tag-pinned: a registry's port is not a tag; no image at all is untagged", () => {
        const check = rule("image-tag-pinned").check;
        const untagged = ["web: image is :latest or untagged"];
        expect(check(pod({ image: "localhost:5000/nginx" }))).to.deep.equal(untagged);
        expect(check(pod({ image: "localhost:5000/nginx:latest" }))).to.deep.equal(untagged);
        expect(check(pod({}))).to.deep.equal(untagged);
        expect(check(pod({ image: "localhost:5000/nginx:1.27" }))).to.deep.equal([]);
        expect(check(pod({ image: `localhost:5000/nginx@sha256:${"a".repeat(64)}` }))).to.deep.equal([]);
    });

    it("run-as-non-root: runAsUser 0 fails even beside runAsNonRoot, the pod's setting counts for its containers", () => {
        const check = rule("run-as-non-root").check;
        expect(check(pod({ securityContext: { runAsNonRoot: true, runAsUser: 0 } }))).to.deep.equal([
            "web: may run as root",
        ]);
        expect(check(pod({ securityContext: { runAsNonRoot: true, runAsUser: 101 } }))).to.deep.equal([]);
        expect(check(pod({}, { securityContext: { runAsNonRoot: true } }))).to.deep.equal([]);
        expect(check(pod({}, { securityContext: { runAsNonRoot: true, runAsUser: 0 } }))).to.deep.equal([
            "web: may run as root",
        ]);
    });

    it("seccomp-runtime-default: RuntimeDefault and Localhost pass, Unconfined fails", () => {
        const check = rule("seccomp-runtime-default").check;
        const sc = (type: string) => pod({ securityContext: { seccompProfile: { type } } });
        expect(check(sc("RuntimeDefault"))).to.deep.equal([]);
        expect(check(sc("Localhost"))).to.deep.equal([]);
        expect(check(sc("Unconfined"))).to.deep.equal(["web: no seccomp profile"]);
    });

    it("capabilities-drop-all: a securityContext without capabilities fails; only NET_BIND_SERVICE may be added back", () => {
        const check = rule("capabilities-drop-all").check;
        const caps = (capabilities: object) => pod({ securityContext: { capabilities } });
        expect(check(pod({ securityContext: { runAsNonRoot: true } }))).to.deep.equal([
            "web: capabilities not dropped",
        ]);
        expect(check(caps({ drop: ["ALL"] }))).to.deep.equal([]);
        expect(check(caps({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] }))).to.deep.equal([]);
        expect(check(caps({ drop: ["ALL"], add: ["NET_BIND_SERVICE", "CHOWN"] }))).to.deep.equal([
            "web: capabilities not dropped",
        ]);
    });

    it("no-service-account-token and emptydir-size-limit: their messages; a pod without volumes passes", () => {
        expect(rule("no-service-account-token").check({})).to.deep.equal([
            "pod: automountServiceAccountToken is not false",
        ]);
        const emptyDir = rule("emptydir-size-limit").check;
        expect(
            emptyDir({
                volumes: [
                    { name: "logs", emptyDir: {} },
                    { name: "cfg", configMap: { name: "c" } },
                ],
            }),
        ).to.deep.equal(["volume logs: emptyDir without sizeLimit"]);
        expect(emptyDir({})).to.deep.equal([]);
    });

    it("capabilities-baseline: only a leading CAP_ is the prefix (SETCAP_UID is not SETUID)", () => {
        const check = rule("capabilities-baseline").check;
        expect(check(pod({ securityContext: { capabilities: { add: ["SETCAP_UID", "CAP_SETUID"] } } }))).to.deep.equal([
            "web: adds SETCAP_UID",
        ]);
    });

    it("tls-verification-on from the environment: AGENT_TLS_VERIFY=off only, not another variable that is off", () => {
        const check = rule("tls-verification-on").check;
        const env = (...e: object[]) => pod({ env: e });
        expect(check(env({ name: "AGENT_TLS_VERIFY", value: "off" }))).to.deep.equal([
            "web: the log agent does not verify the destination's certificate (AGENT_TLS_VERIFY=off)",
        ]);
        expect(check(env({ name: "AGENT_TLS_VERIFY", value: "on" }))).to.deep.equal([]);
        expect(check(env({ name: "FEATURE", value: "off" }))).to.deep.equal([]);
    });

    it("a pod spec without containers fails only the pod's own rules", () => {
        expect(evaluate({ automountServiceAccountToken: false })).to.deep.equal({});
        expect(Object.keys(evaluate({}))).to.deep.equal(["no-service-account-token"]);
    });

    it("finds the pod spec of every workload kind, and none in one without its template", () => {
        const spec = { containers: [] };
        for (const type of Object.keys(WORKLOADS)) {
            const props =
                type === "kubernetes:batch/v1:CronJob"
                    ? { spec: { jobTemplate: { spec: { template: { spec } } } } }
                    : type === "kubernetes:core/v1:Pod"
                      ? { spec }
                      : { spec: { template: { spec } } };
            expect(podSpecOf(type, props), type).to.equal(spec);
            expect(podSpecOf(type, {}), type).to.equal(undefined);
            if (type !== "kubernetes:core/v1:Pod") expect(podSpecOf(type, { spec: {} }), type).to.equal(undefined);
        }
        expect(podSpecOf("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: {} } })).to.equal(undefined);
        expect(podSpecOf("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: {} } } })).to.equal(undefined);
        expect(Object.keys(WORKLOADS)).to.have.members([
            "kubernetes:core/v1:Pod",
            "kubernetes:apps/v1:Deployment",
            "kubernetes:apps/v1:StatefulSet",
            "kubernetes:apps/v1:DaemonSet",
            "kubernetes:apps/v1:ReplicaSet",
            "kubernetes:core/v1:ReplicationController",
            "kubernetes:batch/v1:Job",
            "kubernetes:batch/v1:CronJob",
        ]);
    });
});

const confFindings = (policy: string, conf: string) => configMapFindings(policy)(conf);

describe("the agent-config rules read RainerScript as rsyslog does", () => {
    it("tls-verification-on: spaces around '=' change nothing", () => {
        expect(
            confFindings("tls-verification-on", 'action(type="omelasticsearch" allowunsignedcerts = "on")'),
        ).to.deep.equal(['rsyslog.conf: omelasticsearch accepts an unsigned certificate (allowunsignedcerts="on")']);
        expect(confFindings("tls-verification-on", 'action(type="omfwd" StreamDriverAuthMode = "anon")')).to.deep.equal(
            ['rsyslog.conf: syslog over TLS does not verify the receiver (StreamDriverAuthMode="anon")'],
        );
        // A ConfigMap without the agent's key is not the agent's config.
        expect(
            checkObjects([
                {
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "other" },
                    data: { "x.conf": 'skipverifyhost="on"' },
                } as never,
            ]),
        ).to.deep.equal([]);
    });

    it("credentials-over-tls: an action spaced as RainerScript allows is read; text before the first action is not an action", () => {
        const spaced = 'action (type = "omelasticsearch" server = "http://es:9200" uid = "u" pwd = "p")';
        expect(confFindings("credentials-over-tls", spaced)).to.deep.equal([
            "rsyslog.conf: omelasticsearch sends basic-auth credentials over plain http (http://es:9200)",
        ]);
        const commented =
            '# was: type="omelasticsearch" server="http://old:9200" uid="u"\naction(type="omelasticsearch" server="https://es:9200" uid="u")';
        expect(confFindings("credentials-over-tls", commented)).to.deep.equal([]);
        // Another action type posting credentials is not omelasticsearch's.
        expect(confFindings("credentials-over-tls", 'action(type="omhttp" server="http://x" uid="u")')).to.deep.equal(
            [],
        );
    });
});
