// Who reaches the LogService, pure: LogServiceArgs.access checked, vmauth's config and container,
// the credentials' Secrets and the NetworkPolicy (docs/delivery.md, "Who reaches the LogService").
//
// VictoriaLogs authenticates nobody: whoever reaches its port reads and writes everything. A closed
// LogService runs it on its pod's loopback and vmauth beside it on the Service's port, with two
// users: `ingest` may only insert (/insert/), `reader` may only query (/select/: LogsQL, the web
// UI). vmauth rather than VictoriaLogs' own -httpAuth.*: that is one user for every path, so an
// agent holding it could read every pod's logs, and a reader could write made-up records.
import { createHash, createHmac } from "crypto";
import { LOG_SERVICE, LOG_SERVICE_ACCESS } from "../defaults";
import { labelMap } from "../validate/metadata";
import { Checker, child, NOT_SHOWN } from "../validate/checker";
import { LogServiceArgError } from "./errors";

/** The passwords arrive apart from the rest of the args (they are secrets): this stands in for a given one. */
export const PASSWORD_GIVEN = "(a password is given)";

/** LogServiceArgs.access, checked, every default filled in. Never holds a password. */
export interface ValidatedAccess {
    /** Open: no vmauth, no NetworkPolicy, nobody authenticated. */
    readonly open: boolean;
    /** Namespaces whose agents insert (each gets the ingest Secret); undefined: the LogService's own. */
    readonly agentNamespaces?: readonly string[];
    /** Namespaces whose pods may query. */
    readonly readerNamespaces?: readonly string[];
    /** Labels of the pods (in readerNamespaces, or the LogService's namespace) that may query. */
    readonly readerPodLabels?: Readonly<Record<string, string>>;
    /** The vmauth image. */
    readonly image: string;
}

/** Why a LogService without `access` is refused: it is closed by default, and closing needs the two passwords. */
export const ACCESS_REQUIRED =
    "must be set: a LogService is closed by default (0.3.0). Give access.ingestPassword and access.readerPassword " +
    '(Pulumi secrets, e.g. config.requireSecret("logsIngestPassword")): agents then insert and developers query ' +
    "with them, and a NetworkPolicy admits only those pods. Or say access: { open: true } to let every pod in the " +
    "cluster read and write every record (the policy pack reports it)";

const KEYS = ["open", "ingestPassword", "readerPassword", "agentNamespaces", "readers", "image"] as const;

/** A namespace list: DNS labels, at least one, no repeats. */
function namespaces(c: Checker, arg: string, value: unknown): string[] | undefined {
    if (!Array.isArray(value) || value.length === 0)
        return c.fail(arg, value, 'must be a list of one or more namespaces, e.g. ["web", "api"]');
    const out: string[] = [];
    value.forEach((n, i) => {
        const ns = c.dnsLabel(`${arg}[${i}]`, n);
        if (ns === undefined) return;
        if (out.includes(ns)) c.fail(`${arg}[${i}]`, ns, "is named twice");
        else out.push(ns);
    });
    return out;
}

/**
 * Checks `arg` (LogServiceArgs.access, its passwords replaced by PASSWORD_GIVEN) and fills in the
 * defaults; problems go to `c`. The passwords' own rule is checked where they resolve (checkPassword).
 */
export function checkAccess(c: Checker, arg: string, value: unknown): ValidatedAccess | undefined {
    const a = c.object(arg, value ?? {}, KEYS);
    if (a === undefined) return undefined;
    const at = (k: (typeof KEYS)[number]) => child(arg, k);
    const image = a.image === undefined ? LOG_SERVICE_ACCESS.image : c.image(at("image"), a.image);
    const open = a.open === undefined ? false : c.boolean(at("open"), a.open);
    if (open) {
        // Open means open: credentials or peers beside it would read as protection that is not there.
        for (const k of ["ingestPassword", "readerPassword", "agentNamespaces", "readers", "image"] as const)
            if (a[k] !== undefined)
                c.fail(at(k), k.endsWith("Password") ? NOT_SHOWN : a[k], `has no effect with ${at("open")}: true`);
        return { open: true, image: image ?? LOG_SERVICE_ACCESS.image };
    }
    for (const k of ["ingestPassword", "readerPassword"] as const)
        if (a[k] === undefined)
            c.fail(
                at(k),
                undefined,
                `must be set: the LogService is closed, and ${k === "ingestPassword" ? "its agents insert" : "developers query"} with this password. ` +
                    `Give a Pulumi secret (\`pulumi config set --secret ${k === "ingestPassword" ? "logsIngestPassword" : "logsReaderPassword"} <16+ characters>\`, then config.requireSecret), ` +
                    `or open it with ${at("open")}: true (anyone in the cluster then reads and writes every record; the policy pack reports it)`,
            );
    const agentNamespaces =
        a.agentNamespaces === undefined ? undefined : namespaces(c, at("agentNamespaces"), a.agentNamespaces);
    let readerNamespaces: string[] | undefined;
    let readerPodLabels: Record<string, string> | undefined;
    if (a.readers !== undefined) {
        const r = c.object(at("readers"), a.readers, ["namespaces", "podLabels"]);
        if (r !== undefined) {
            if (r.namespaces !== undefined)
                readerNamespaces = namespaces(c, child(at("readers"), "namespaces"), r.namespaces);
            if (r.podLabels !== undefined) {
                readerPodLabels = labelMap(c, child(at("readers"), "podLabels"), r.podLabels);
                if (readerPodLabels !== undefined && Object.keys(readerPodLabels).length === 0)
                    c.fail(
                        child(at("readers"), "podLabels"),
                        {},
                        "must name at least one label (leave it out to admit every pod of readers.namespaces)",
                    );
            }
            if (r.namespaces === undefined && r.podLabels === undefined)
                c.fail(at("readers"), r, "must name namespaces, podLabels or both (leave readers out to admit no pod)");
        }
    }
    return {
        open: false,
        ...(agentNamespaces !== undefined && { agentNamespaces }),
        ...(readerNamespaces !== undefined && { readerNamespaces }),
        ...(readerPodLabels !== undefined && { readerPodLabels }),
        image: image ?? LOG_SERVICE_ACCESS.image,
    };
}

/** What a password must be: it reaches vmauth's config through its %{ENV} template, inside a JSON string. */
export const PASSWORD_RULE =
    `must be ${LOG_SERVICE_ACCESS.passwordLength.min} to ${LOG_SERVICE_ACCESS.passwordLength.max} printable ASCII characters ` +
    "other than space, '\"', '\\\\' and '%' (vmauth reads it into its config, where these mean something)";

/** True when `p` may be a password (PASSWORD_RULE). */
export function isPassword(p: unknown): p is string {
    const { min, max } = LOG_SERVICE_ACCESS.passwordLength;
    return typeof p === "string" && p.length >= min && p.length <= max && /^[\x21-\x7e]*$/.test(p) && !/["\\%]/.test(p);
}

export type Password = "ingestPassword" | "readerPassword";

/**
 * `p` if it is a password (PASSWORD_RULE); otherwise throws LogServiceArgError naming
 * `access.<which>`, never the value. Where a password is a secret Output, when it resolves.
 */
export function checkPassword(component: string, which: Password, p: unknown): string {
    if (isPassword(p)) return p;
    throw new LogServiceArgError(component, [{ arg: `access.${which}`, value: NOT_SHOWN, rule: PASSWORD_RULE }]);
}

/**
 * Cluster mode's storage password, derived from the two the user gives (HMAC-SHA256, keyed by the
 * reader's, over the ingest user's): the front nodes hold both already, so it grants nothing they
 * lack, and nobody has to make, store or rotate a third. Changing either password changes it, and
 * the storage and front nodes roll together. 64 hex characters: a valid password (PASSWORD_RULE).
 */
export const storagePassword = (ingestPassword: string, readerPassword: string): string =>
    createHmac("sha256", readerPassword).update(`storage:${ingestPassword}`).digest("hex");

/** The names of the access objects of the LogService named `name`. */
export const accessNames = (name: string) => ({
    /** The ingest user's basic-auth Secret (kubernetes.io/basic-auth), in the LogService's namespace (vmauth reads it) and each of agentNamespaces: destination.elasticsearch.auth.basicAuthSecret. */
    ingest: `${name}-ingest`,
    /** The reader user's basic-auth Secret, in the LogService's namespace: vmauth, vmalert, npm run logs and people read it. */
    reader: `${name}-reader`,
    /** Cluster mode: the storage user's basic-auth Secret, in the LogService's namespace (storage and front nodes read it). */
    storage: `${name}-storage-auth`,
    networkPolicy: name,
    /** Cluster mode: the storage nodes' NetworkPolicy (only the front nodes reach them). */
    storageNetworkPolicy: `${name}-storage`,
    configMap: `${name}-auth-${createHash("sha256").update(vmauthConfigFile()).digest("hex").slice(0, 8)}`,
});

/**
 * vmauth's config. JSON, which is YAML (vmauth reads YAML): JSON.stringify is its one escaping. The
 * passwords are vmauth's %{ENV} templates, filled from the credentials Secret: the ConfigMap holds
 * no secret. The unauthenticated may ask /health, VictoriaLogs' own (the kubelet's probes); every
 * other path without credentials is answered 401.
 */
export function vmauthConfig(backendPort: number = LOG_SERVICE_ACCESS.backendPort) {
    const backend = `http://127.0.0.1:${backendPort}`;
    return {
        users: [
            {
                username: LOG_SERVICE_ACCESS.ingestUser,
                password: `%{${LOG_SERVICE_ACCESS.ingestPasswordEnv}}`,
                url_map: [{ src_paths: ["/insert/.+"], url_prefix: backend }],
            },
            {
                username: LOG_SERVICE_ACCESS.readerUser,
                password: `%{${LOG_SERVICE_ACCESS.readerPasswordEnv}}`,
                url_map: [{ src_paths: ["/select/.+"], url_prefix: backend }],
            },
        ],
        unauthorized_user: { url_map: [{ src_paths: ["/health"], url_prefix: backend }] },
    };
}

/** The config file; `backendPort` is VictoriaLogs' (another only where a test runs both as processes). */
export const vmauthConfigFile = (backendPort?: number): string =>
    `${JSON.stringify(vmauthConfig(backendPort), null, 2)}\n`;

/** vmauth's command line: the Service's port for clients, its internal API on the loopback only. */
export function vmauthArgs(
    config = `${LOG_SERVICE_ACCESS.configDir}/${LOG_SERVICE_ACCESS.configFile}`,
    port: number = LOG_SERVICE.httpPort,
    internalPort: number = LOG_SERVICE_ACCESS.internalPort,
): string[] {
    return [`-auth.config=${config}`, `-httpListenAddr=:${port}`, `-httpInternalListenAddr=127.0.0.1:${internalPort}`];
}

/** Cluster mode: the env of storage and front nodes, the storage user's password from its Secret. */
export const storageEnv = (name: string) => [
    {
        name: LOG_SERVICE_ACCESS.storagePasswordEnv,
        valueFrom: { secretKeyRef: { name: accessNames(name).storage, key: "password" } },
    },
];

/** The env of vmauth: the two passwords, from the users' basic-auth Secrets. */
export const vmauthEnv = (name: string) => [
    {
        name: LOG_SERVICE_ACCESS.ingestPasswordEnv,
        valueFrom: { secretKeyRef: { name: accessNames(name).ingest, key: "password" } },
    },
    {
        name: LOG_SERVICE_ACCESS.readerPasswordEnv,
        valueFrom: { secretKeyRef: { name: accessNames(name).reader, key: "password" } },
    },
];

/**
 * The users' basic-auth Secrets, named by the component's name (`key`) and the Secret's (`user`):
 * the ingest user's in the LogService's namespace (`namespace` undefined) and in each other of
 * `agentNamespaces`, the reader's in the LogService's. `serviceNamespace` is the LogService's
 * namespace when known as the args are read (a namespace named twice gets one Secret).
 */
export function credentialSecrets(
    component: string,
    serviceNamespace: string | undefined,
    agentNamespaces: readonly string[] | undefined,
) {
    const others = (agentNamespaces ?? []).filter((ns) => ns !== serviceNamespace);
    return [
        { key: `${component}-ingest`, user: "ingest" as const, username: LOG_SERVICE_ACCESS.ingestUser },
        ...others.map((ns) => ({
            key: `${component}-ingest-${ns}`,
            user: "ingest" as const,
            username: LOG_SERVICE_ACCESS.ingestUser,
            namespace: ns,
        })),
        { key: `${component}-reader`, user: "reader" as const, username: LOG_SERVICE_ACCESS.readerUser },
    ];
}

/** The namespaceSelector of a list of namespaces (each namespace carries its name as a label). */
const inNamespaces = (names: readonly string[]) => ({
    matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...names] }],
});

/**
 * The NetworkPolicy of a closed LogService's pods: only the agents (pods labelled as running one, in
 * agentNamespaces or the LogService's own) reach its HTTP port and its syslog input, the readers and
 * vmalert its HTTP port; nothing else gets in. kubectl port-forward is not traffic a policy sees.
 */
export function buildNetworkPolicy(
    name: string,
    namespace: string | undefined,
    podLabels: Record<string, string>,
    a: ValidatedAccess,
    vmalertLabels?: Record<string, string>,
) {
    const agent = { [LOG_SERVICE_ACCESS.agentLabel.key]: LOG_SERVICE_ACCESS.agentLabel.value };
    const agents = {
        podSelector: { matchLabels: agent },
        ...(a.agentNamespaces !== undefined && { namespaceSelector: inNamespaces(a.agentNamespaces) }),
    };
    const readers =
        a.readerNamespaces === undefined && a.readerPodLabels === undefined
            ? []
            : [
                  {
                      ...(a.readerPodLabels !== undefined && {
                          podSelector: { matchLabels: { ...a.readerPodLabels } },
                      }),
                      ...(a.readerNamespaces !== undefined && { namespaceSelector: inNamespaces(a.readerNamespaces) }),
                  },
              ];
    const http = { port: "http", protocol: "TCP" };
    const syslog = { port: "syslog", protocol: "TCP" };
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
            name: accessNames(name).networkPolicy,
            ...(namespace !== undefined && { namespace }),
            labels: podLabels,
        },
        spec: {
            podSelector: { matchLabels: podLabels },
            policyTypes: ["Ingress"],
            ingress: [
                { from: [agents], ports: [http, syslog] },
                ...(readers.length > 0 || vmalertLabels
                    ? [
                          {
                              from: [
                                  ...readers,
                                  ...(vmalertLabels ? [{ podSelector: { matchLabels: vmalertLabels } }] : []),
                              ],
                              ports: [http],
                          },
                      ]
                    : []),
            ],
        },
    };
}
