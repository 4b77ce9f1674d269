// shipper, catLoopPeriodSeconds, destination, retention and nativeSidecar.
import { ResolvedWebserverPodArgs, Shipper, StorageMedium, SyslogProtocol } from "../args";
import { DEFAULTS, LIMITS, SEED } from "../defaults";
import { retentionMinBytes, retentionMinRule } from "../retention";
import { durationSeconds, formatBytes, isDnsSubdomain, parseHostPort, quantityValue } from "../grammar";
import { isIPv4, isIPv6 } from "net";
import {
    AgentDestination,
    ElasticsearchTarget,
    RetentionSettings,
    SidecarShipper,
    SyslogTarget,
    TlsSettings,
    ValidatedArgs,
} from "../model";
import { Checker } from "./checker";

function checkRetention(
    c: Checker,
    value: unknown,
    shipper: SidecarShipper,
    logVolume: ValidatedArgs["logVolume"],
): RetentionSettings | undefined {
    const r = c.object("retention", value, ["maxAge", "maxSize"]);
    if (!r) return undefined;
    if (shipper === Shipper.CatLoop)
        return c.fail(
            "retention",
            value,
            'needs shipper "stream" or a destination: the cat-loop shipper does not know which lines were shipped',
        );
    const maxAge = c.string("retention.maxAge", r.maxAge ?? DEFAULTS.retention.maxAge);
    const maxAgeSeconds = maxAge === undefined ? undefined : durationSeconds(maxAge);
    if (maxAge !== undefined && (maxAgeSeconds === undefined || maxAgeSeconds < LIMITS.retentionMinAgeSeconds))
        c.fail("retention.maxAge", maxAge, 'must be a duration of at least a minute such as "24h", "90m" or "1d12h"');

    const sizeLimit = logVolume?.sizeLimit;
    if (logVolume?.medium === StorageMedium.Memory && sizeLimit === undefined) {
        return c.fail(
            "logVolume.medium",
            StorageMedium.Memory,
            "with retention, a Memory volume needs logVolume.sizeLimit: without it the retained logs are " +
                "bounded by nothing but the node's memory",
        );
    }
    let maxBytes: number | undefined;
    if (r.maxSize !== undefined) {
        const maxSize = c.quantity("retention.maxSize", r.maxSize, true);
        if (maxSize === undefined) return undefined;
        maxBytes = quantityValue(maxSize);
        const retaining = shipper === "agent" ? "agent" : "stream";
        if (maxBytes < retentionMinBytes(retaining))
            return c.fail(
                "retention.maxSize",
                maxSize,
                `must be at least ${formatBytes(retentionMinBytes(retaining))}: ${retentionMinRule(retaining)}`,
            );
        if (sizeLimit !== undefined && maxBytes >= quantityValue(sizeLimit)) {
            // Name the one the user wrote, when the other came from the production preset.
            const [arg, v, rule] =
                c.wrote("logVolume.sizeLimit") && !c.wrote("retention.maxSize")
                    ? [
                          "logVolume.sizeLimit",
                          sizeLimit,
                          `must be above retention.maxSize (${maxSize}), or the kubelet evicts the Pod first`,
                      ]
                    : [
                          "retention.maxSize",
                          maxSize,
                          `must be below logVolume.sizeLimit (${sizeLimit}), or the kubelet evicts the Pod first`,
                      ];
            return c.fail(arg, v, rule);
        }
    } else if (sizeLimit !== undefined) {
        // At least retentionMinBytes: logVolume.sizeLimit is at least LOG_VOLUME_MIN_BYTES (storage.ts).
        maxBytes = Math.floor(quantityValue(sizeLimit) * DEFAULTS.retention.maxSizeShareOfSizeLimit);
    } else {
        maxBytes = quantityValue(DEFAULTS.retention.maxSize);
    }
    if (maxAgeSeconds === undefined) return undefined;
    return { maxBytes, maxAgeSeconds };
}

/** destination: exactly one of { syslog: { address, protocol } } and { elasticsearch: { url, index, auth } }. */
function checkDestination(c: Checker, value: unknown): AgentDestination | undefined {
    const kinds = ["syslog", "elasticsearch"] as const;
    const d = c.object("destination", value, kinds);
    if (!d) return undefined;
    const named = kinds.filter((k) => d[k] !== undefined);
    if (named.length !== 1) {
        // A misspelt key has been reported already, with the key that was meant.
        if (named.length === 0 && Object.keys(d).length > 0) return undefined;
        return c.fail(
            "destination",
            value,
            named.length === 0
                ? 'must name where the logs go, e.g. { syslog: { address: "logs.example.com:2514" } } or { elasticsearch: { url: "http://logs.example.com:9200" } }'
                : "must name one destination: syslog or elasticsearch, not both",
        );
    }
    return named[0] === "syslog" ? checkSyslog(c, d.syslog) : checkElasticsearch(c, d.elasticsearch);
}

function checkSyslog(c: Checker, value: unknown): SyslogTarget | undefined {
    const s = c.object("destination.syslog", value, ["address", "protocol", "tls"]);
    if (!s) return undefined;
    let protocol: SyslogProtocol | undefined = DEFAULTS.syslogProtocol as SyslogProtocol;
    if (s.protocol === "tls")
        protocol = c.fail(
            "destination.syslog.protocol",
            s.protocol,
            'is the transport, "relp" or "tcp"; TLS over either is destination.syslog.tls, e.g. { ca: { configMap: "logs-ca" } }',
        );
    else if (s.protocol !== undefined) protocol = c.oneOf("destination.syslog.protocol", s.protocol, SyslogProtocol);
    const address = c.string("destination.syslog.address", s.address);
    let tls: TlsSettings | undefined;
    if (s.tls !== undefined) {
        tls = checkTls(c, "destination.syslog.tls", s.tls);
        if (tls?.insecureSkipVerify && protocol === SyslogProtocol.Relp)
            tls = c.fail(
                "destination.syslog.tls.insecureSkipVerify",
                true,
                "cannot be used over RELP: librelp refuses a certificate it cannot verify whatever it is told (docs/delivery.md); give tls.ca, the CA that signs the receiver's certificate",
            );
        else if (tls && !tls.ca && !tls.insecureSkipVerify)
            tls = c.fail(
                "destination.syslog.tls",
                s.tls,
                protocol === SyslogProtocol.Relp
                    ? "needs ca for syslog over TLS: librelp takes no system CAs"
                    : "needs ca for syslog over TLS: rsyslog's TLS driver takes no system CAs (or set insecureSkipVerify: true, explicitly)",
            );
    }
    if (address === undefined) return undefined;
    const hostPort = parseHostPort(address);
    if (!hostPort)
        return c.fail(
            "destination.syslog.address",
            address,
            'must be "host:port": a DNS name, an IPv4 address or an [IPv6] address, and a port from 1 to 65535, e.g. "logs.example.com:2514"',
        );
    if (s.tls !== undefined && tls === undefined) return undefined;
    if (tls && protocol === SyslogProtocol.Relp && (isIPv4(hostPort.host) || isIPv6(hostPort.host)))
        return c.fail(
            "destination.syslog.address",
            address,
            "must name the receiver by a DNS name over RELP with TLS: librelp matches the certificate's DNS names (and its CN), not its IP addresses",
        );
    return protocol === undefined ? undefined : { kind: "syslog", ...hostPort, protocol, ...(tls && { tls }) };
}

/** An Elasticsearch index name: lowercase, no separators or wildcards, not starting with -, _ or +. */
const INDEX_NAME = /^[a-z0-9][a-z0-9._-]{0,254}$/;

function checkElasticsearch(c: Checker, value: unknown): ElasticsearchTarget | undefined {
    const e = c.object("destination.elasticsearch", value, ["url", "index", "auth", "tls"]);
    if (!e) return undefined;
    const url = c.string("destination.elasticsearch.url", e.url);
    const server = url === undefined ? undefined : bulkServer(c, url);
    const https = server?.server.startsWith("https://") === true;
    let tls: TlsSettings | undefined = https ? { insecureSkipVerify: false } : undefined;
    if (e.tls !== undefined) {
        if (server !== undefined && !https)
            c.fail("destination.elasticsearch.tls", e.tls, "applies to an https:// url only: the url is http://");
        else tls = checkTls(c, "destination.elasticsearch.tls", e.tls);
    }
    const index =
        e.index === undefined ? DEFAULTS.elasticsearchIndex : c.string("destination.elasticsearch.index", e.index);
    if (index !== undefined && !INDEX_NAME.test(index))
        c.fail(
            "destination.elasticsearch.index",
            index,
            "must be an index name: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 255 characters",
        );
    let basicAuthSecret: string | undefined;
    if (e.auth !== undefined) {
        const a = c.object("destination.elasticsearch.auth", e.auth, ["basicAuthSecret", "allowPlainHttp"]);
        // A misspelt key has been reported already, with the key that was meant.
        const misspelt = a !== undefined && a.basicAuthSecret === undefined && Object.keys(a).length > 0;
        if (a && !misspelt) {
            basicAuthSecret = c.string("destination.elasticsearch.auth.basicAuthSecret", a.basicAuthSecret);
            if (basicAuthSecret !== undefined && !isDnsSubdomain(basicAuthSecret))
                basicAuthSecret = c.fail(
                    "destination.elasticsearch.auth.basicAuthSecret",
                    basicAuthSecret,
                    "must be the name of a Secret (a DNS subdomain: lowercase letters, digits, '-' and '.') of type kubernetes.io/basic-auth",
                );
            // Basic auth is the password itself, base64'd: over http:// anyone on the path reads it.
            const plain =
                a.allowPlainHttp === undefined
                    ? false
                    : c.boolean("destination.elasticsearch.auth.allowPlainHttp", a.allowPlainHttp);
            if (server !== undefined && !https && plain === false && basicAuthSecret !== undefined)
                basicAuthSecret = c.fail(
                    "destination.elasticsearch.auth",
                    e.auth,
                    `sends the credentials in the clear: the url is http:// (${server.server}); use an https:// url, or set auth.allowPlainHttp: true where the network to the service is trusted (reported by the policy pack)`,
                );
            else if (https && plain === true)
                c.fail(
                    "destination.elasticsearch.auth.allowPlainHttp",
                    true,
                    "applies to an http:// url only: the url is https://, the credentials are encrypted; drop it",
                );
        }
    }
    if (server === undefined || index === undefined || !INDEX_NAME.test(index)) return undefined;
    if (e.auth !== undefined && basicAuthSecret === undefined) return undefined;
    if (e.tls !== undefined && tls === undefined) return undefined;
    return {
        kind: "elasticsearch",
        ...server,
        index,
        ...(basicAuthSecret !== undefined && { basicAuthSecret }),
        ...(tls !== undefined && { tls }),
    };
}

/** tls: { ca: { configMap | secret, key }, clientCertSecret, insecureSkipVerify }. */
function checkTls(c: Checker, arg: string, value: unknown): TlsSettings | undefined {
    const t = c.object(arg, value, ["ca", "clientCertSecret", "insecureSkipVerify"]);
    if (!t) return undefined;
    const before = c.issues.length;
    const name = (a: string, v: unknown, what: string) => {
        const n = c.string(a, v);
        if (n !== undefined && !isDnsSubdomain(n))
            return c.fail(
                a,
                n,
                `must be the name of a ${what} (a DNS subdomain: lowercase letters, digits, '-' and '.')`,
            );
        return n;
    };
    let ca: TlsSettings["ca"];
    if (t.ca !== undefined) {
        const o = c.object(`${arg}.ca`, t.ca, ["configMap", "secret", "key"]);
        if (o) {
            const kinds = (["configMap", "secret"] as const).filter((k) => o[k] !== undefined);
            if (kinds.length !== 1)
                c.fail(
                    `${arg}.ca`,
                    t.ca,
                    'must name one source: { configMap: "<name>" } or { secret: "<name>" }, with key (default "ca.crt")',
                );
            else {
                const kind = kinds[0];
                const n = name(`${arg}.ca.${kind}`, o[kind], kind === "configMap" ? "ConfigMap" : "Secret");
                const key = o.key === undefined ? DEFAULTS.tlsCaKey : c.string(`${arg}.ca.key`, o.key);
                if (key !== undefined && !/^[-._a-zA-Z0-9]+$/.test(key))
                    c.fail(
                        `${arg}.ca.key`,
                        key,
                        "must be a ConfigMap or Secret key: letters, digits, '-', '_' and '.'",
                    );
                if (n !== undefined && key !== undefined) ca = { kind, name: n, key };
            }
        }
    }
    const clientCertSecret =
        t.clientCertSecret === undefined
            ? undefined
            : name(`${arg}.clientCertSecret`, t.clientCertSecret, "Secret of type kubernetes.io/tls");
    const insecureSkipVerify =
        t.insecureSkipVerify === undefined ? false : c.boolean(`${arg}.insecureSkipVerify`, t.insecureSkipVerify);
    if (insecureSkipVerify === true && ca !== undefined)
        c.fail(
            `${arg}.insecureSkipVerify`,
            true,
            "contradicts tls.ca: a CA given is a CA to verify with; drop one of the two",
        );
    if (c.issues.length > before || insecureSkipVerify === undefined) return undefined;
    return {
        ...(ca && { ca }),
        ...(clientCertSecret !== undefined && { clientCertSecret }),
        insecureSkipVerify,
    };
}

/** The url as rsyslog's omelasticsearch takes it: server (with its port written out) and query. */
function bulkServer(c: Checker, url: string): Pick<ElasticsearchTarget, "server" | "query"> | undefined {
    const arg = "destination.elasticsearch.url";
    const u = c.httpUrl(
        arg,
        url,
        "http://logs.example.com:9200",
        "they would be stored in plain text in the agent's ConfigMap and the stack's config; name a Secret in auth.basicAuthSecret",
    );
    if (u === undefined) return undefined;
    const path = u.pathname.replace(/\/+$/, "");
    if (path.endsWith("/_bulk"))
        return c.fail(
            arg,
            url,
            `must be the API's base, without /_bulk (the agent appends it): "${url.replace(/\/_bulk\/?/, "")}"`,
        );
    const scheme = u.protocol.slice(0, -1);
    const port = u.port === "" ? (scheme === "https" ? "443" : "80") : u.port;
    return { server: `${scheme}://${u.hostname}:${port}${path}`, query: u.search.replace(/^\?/, "") };
}

export function checkShipping(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
    logVolume: ValidatedArgs["logVolume"],
): Pick<ValidatedArgs, "shipper" | "catLoopPeriodSeconds" | "destination" | "retention" | "nativeSidecar"> {
    const destination = raw.destination === undefined ? undefined : checkDestination(c, raw.destination);
    const agent = raw.destination !== undefined;
    // With a destination the log agent replaces the shipper (the production preset sets none then).
    const AGENT_RULE = "does not apply with a destination: the log agent delivers the logs instead of a shipper";
    if (agent && raw.shipper !== undefined) c.fail("shipper", raw.shipper, AGENT_RULE);
    if (agent && raw.catLoopPeriodSeconds !== undefined)
        c.fail("catLoopPeriodSeconds", raw.catLoopPeriodSeconds, AGENT_RULE);
    const shipper: SidecarShipper | undefined = agent
        ? "agent"
        : raw.shipper === undefined
          ? (DEFAULTS.shipper as Shipper)
          : c.oneOf("shipper", raw.shipper, Shipper);
    let catLoopPeriodSeconds: number = SEED.catLoopPeriodSeconds;
    if (raw.catLoopPeriodSeconds !== undefined && !agent) {
        if (shipper !== undefined && shipper !== Shipper.CatLoop)
            c.fail("catLoopPeriodSeconds", raw.catLoopPeriodSeconds, 'applies to shipper "cat-loop" only');
        else
            catLoopPeriodSeconds =
                c.integer(
                    "catLoopPeriodSeconds",
                    raw.catLoopPeriodSeconds,
                    1,
                    LIMITS.catLoopPeriodSecondsMax,
                    " (a day: a longer period would not ship the last 24 hours)",
                ) ?? catLoopPeriodSeconds;
    }
    const retention =
        raw.retention === undefined || shipper === undefined
            ? undefined
            : checkRetention(c, raw.retention, shipper, logVolume);
    const nativeSidecar =
        raw.nativeSidecar === undefined ? DEFAULTS.nativeSidecar : c.boolean("nativeSidecar", raw.nativeSidecar);
    return {
        shipper: shipper ?? (DEFAULTS.shipper as Shipper),
        catLoopPeriodSeconds,
        ...(destination !== undefined && { destination }),
        nativeSidecar: nativeSidecar === true,
        ...(retention !== undefined && { retention }),
    };
}
