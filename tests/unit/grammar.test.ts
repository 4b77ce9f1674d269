// components/grammar.ts at its edges: each predicate given what Kubernetes accepts and, beside it,
// the nearest thing it refuses -- a trailing '-', '_' or '.', one character too many, a capital,
// an empty part -- so that a loosened or tightened pattern turns a line red.
import { expect } from "chai";
import {
    isDns1035Label,
    isDnsLabel,
    isDnsSubdomain,
    isImageReference,
    isLabelValue,
    isUrlHost,
    parseHostPort,
    qualifiedKeyProblem,
} from "../../components/grammar";

const table = (name: string, f: (s: string) => boolean, yes: string[], no: string[]) =>
    describe(name, () => {
        for (const s of yes) it(`accepts ${JSON.stringify(s)}`, () => expect(f(s)).to.equal(true));
        for (const s of no) it(`refuses ${JSON.stringify(s)}`, () => expect(f(s)).to.equal(false));
    });

describe("components/grammar.ts at its edges", () => {
    table(
        "isDnsLabel (a Pod's, a namespace's name)",
        isDnsLabel,
        ["a", "0", "web-1", "a".repeat(63), "1web"],
        ["", "web-", "-web", "web_1", "web.1", "Web", "a".repeat(64), "web 1", "wéb"],
    );
    table(
        "isDns1035Label (a Service's name)",
        isDns1035Label,
        ["a", "web-1", "a".repeat(63)],
        ["1web", "web-", "-web", "a".repeat(64), "Web"],
    );
    table(
        "isDnsSubdomain (a Secret's, a label prefix)",
        isDnsSubdomain,
        ["a", "es-writer", "example.com", "a.b-c.d", `${"a".repeat(63)}.${"b".repeat(63)}`, "a".repeat(253)],
        ["", "es-", "es.", ".es", "a..b", "a.-b", "a-.b", "Es", "es_writer", "a".repeat(254)],
    );
    table(
        "isLabelValue",
        isLabelValue,
        ["", "web", "Web_1.2-3", "a".repeat(63), "1"],
        ["web-", "web_", "web.", "-web", "_web", ".web", "a".repeat(64), "web/1", "web 1"],
    );
    table(
        "qualified label keys (no problem)",
        (k) => qualifiedKeyProblem(k) === undefined,
        ["app", "app.kubernetes.io/name", "example.com/team", "a".repeat(63), "A_b.c-D"],
        ["", "app-", "app_", "app.", "-app", "example.com/", "Example.com/app", "/app", "a".repeat(64), "a/b/c"],
    );
    table(
        "isUrlHost (the bulk URL's host, written into the agent's config)",
        isUrlHost,
        ["es", "logs.example.com", "10.0.0.1", "[::1]", "[fd00::1]"],
        ["", 'es"x', "es=x", "es(x", "es x", "10.0.0.256", "[::g]", "es-", "ES"],
    );
    table(
        "parseHostPort (a syslog address)",
        (s) => parseHostPort(s) !== undefined,
        ["logs:2514", "Logs.Example.com:1", "10.0.0.1:65535", "[::1]:514"],
        [
            "logs",
            "logs:0",
            "logs:65536",
            "logs:",
            ":514",
            "::1:514",
            "[::1]",
            "logs-:514",
            'lo"gs:514',
            "10.0.0.256:514",
        ],
    );
    table(
        "isImageReference",
        isImageReference,
        [
            "nginx",
            "nginx:1.28.2",
            "library/nginx:latest",
            "registry:5000/team/nginx",
            `nginx@sha256:${"a".repeat(64)}`,
            "localhost/webserver-standin-ubuntu:bookworm",
        ],
        [
            "",
            "Nginx",
            "nginx:",
            ":1.0",
            "nginx::1",
            `nginx@sha256:${"a".repeat(63)}`,
            "nginx:-1",
            "nginx latest",
            `nginx:${"a".repeat(129)}`,
        ],
    );
});
