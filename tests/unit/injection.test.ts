// No argument can change the log agent's config beyond its own value: every string argument of a
// destination is given each character RainerScript or a shell gives a meaning to, and each case is
// either refused by validation, naming the argument, or rendered so that rsyslogd -N1 parses the
// config and the parameter, read back as RainerScript reads a string, is the value validation kept.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { agentConf, AGENT, validateArgs, WebserverPodArgError, WebserverPodArgs } from "../../components";
import { ElasticsearchTarget, SyslogTarget } from "../../components/model";
import { rsString } from "../../components/rainerscript";
import { rsyslogd } from "../../scripts/lib/syslogReceiver";
import { programConfig, StackConfigError } from "../../program/stackConfig";

/** The characters RainerScript (strings, parameters, comments, backticks) or sh give a meaning to. */
const SPECIALS = [
    '"',
    "\\",
    "$",
    "'",
    "`",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "#",
    ";",
    "=",
    " ",
    "\n",
    "\t",
    "|",
    "&",
    "<",
    ">",
    "*",
    "?",
    "!",
    "~",
    "%",
    ",",
];

/** rsyslog's reading of a parameter's double-quoted string (`\\` and `\"`; rainerscript.ts says why no more). */
function readString(literal: string): string {
    expect(literal.startsWith('"') && literal.endsWith('"'), literal).to.equal(true);
    const body = literal.slice(1, -1);
    let out = "";
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === '"') throw new Error(`an unescaped quote ends the string early: ${literal}`);
        if (c !== "\\") {
            out += c;
            continue;
        }
        const n = body[++i];
        if (n !== "\\" && n !== '"') throw new Error(`\\${n} is no escape rsyslog reads in a parameter: ${literal}`);
        out += n;
    }
    return out;
}

/** Every `name=<string constant>` of the config's action, in order (a parameter injected shows as one more). */
function actionParameters(conf: string): Array<[string, string]> {
    const action = conf.slice(conf.indexOf('action(type="om'));
    const params: Array<[string, string]> = [];
    const re = /([A-Za-z.]+)=("(?:[^"\\]|\\.)*"|\[[^\]]*\]|`[^`]*`)/g;
    for (let m = re.exec(action); m; m = re.exec(action)) params.push([m[1], m[2]]);
    return params;
}

/** rsyslogd -N1 on the config, with the files it checks for in place. */
function rsyslogAccepts(conf: (dir: string) => string): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "injection-"));
    try {
        fs.mkdirSync(path.join(dir, ".agent"));
        for (const f of [AGENT.tls.ca, AGENT.tls.cert, AGENT.tls.key]) fs.writeFileSync(path.join(dir, f), "");
        const file = path.join(dir, "rsyslog.conf");
        fs.writeFileSync(file, conf(dir));
        const r = spawnSync(rsyslogd(), ["-N1", "-f", file], { encoding: "utf8" });
        expect(r.status, `${r.stderr}${r.stdout}\n${conf(dir)}`).to.equal(0);
        expect(`${r.stderr}${r.stdout}`).to.not.match(/error|warning/i);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

interface Case {
    /** The argument as validation names it. */
    readonly arg: string;
    /** The args with `s` in that argument. */
    readonly args: (s: string) => WebserverPodArgs;
}

const es = (url: string, more: object = {}): WebserverPodArgs => ({ destination: { elasticsearch: { url, ...more } } });
const CASES: Case[] = [
    { arg: "destination.elasticsearch.url", args: (s) => es(`https://logs${s}x.example.com:9200`) },
    { arg: "destination.elasticsearch.url", args: (s) => es(`https://logs.example.com:9200/in${s}sert`) },
    { arg: "destination.elasticsearch.url", args: (s) => es(`https://logs.example.com:9200/insert?a=${s}&b=${s}${s}`) },
    { arg: "destination.elasticsearch.index", args: (s) => es("http://logs:9200", { index: `ng${s}inx` }) },
    {
        arg: "destination.elasticsearch.auth.basicAuthSecret",
        args: (s) => es("https://logs:9200", { auth: { basicAuthSecret: `cred${s}s` } }),
    },
    {
        arg: "destination.elasticsearch.tls.ca.key",
        args: (s) => es("https://logs:9200", { tls: { ca: { configMap: "ca", key: `ca${s}.crt` } } }),
    },
    {
        arg: "destination.elasticsearch.tls.clientCertSecret",
        args: (s) => es("https://logs:9200", { tls: { clientCertSecret: `c${s}ert` } }),
    },
    {
        arg: "destination.syslog.address",
        args: (s) => ({ destination: { syslog: { address: `lo${s}gs.example.com:2514` } } }),
    },
    {
        arg: "destination.syslog.address",
        args: (s) => ({ destination: { syslog: { address: `logs.example.com:25${s}14`, protocol: "tcp" } } }),
    },
    {
        arg: "destination.syslog.tls.ca.configMap",
        args: (s) => ({
            destination: { syslog: { address: "logs:6514", protocol: "tcp", tls: { ca: { configMap: `ca${s}x` } } } },
        }),
    },
];

describe("no destination argument reaches the agent's config as anything but its own value", () => {
    for (const c of CASES)
        describe(`${c.arg}: ${JSON.stringify(c.args("<s>"))}`, () => {
            for (const s of SPECIALS)
                it(JSON.stringify(s), () => {
                    let validated;
                    try {
                        validated = validateArgs("inj", c.args(s) as never);
                    } catch (e) {
                        expect(e).to.be.instanceOf(WebserverPodArgError);
                        expect((e as WebserverPodArgError).issues.map((i) => i.arg)).to.include(c.arg);
                        return;
                    }
                    const d = validated.destination!;
                    const conf = agentConf(d);
                    // The action has exactly the parameters a plain value gives, each reading back intact.
                    const plain = agentConf(validateArgs("inj", c.args("x") as never).destination!);
                    expect(actionParameters(conf).map(([k]) => k)).to.deep.equal(
                        actionParameters(plain).map(([k]) => k),
                    );
                    const read = Object.fromEntries(
                        actionParameters(conf)
                            .filter(([, v]) => v.startsWith('"'))
                            .map(([k, v]) => [k, readString(v)]),
                    );
                    if (d.kind === "elasticsearch") {
                        const e = d as ElasticsearchTarget;
                        expect(read.server).to.equal(e.server);
                        expect(read.searchIndex).to.equal(e.index);
                        expect(read.timeout).to.equal(
                            e.query === "" ? AGENT.bulkTimeout : `${AGENT.bulkTimeout}&${e.query}`,
                        );
                    } else {
                        expect(read.target).to.equal((d as SyslogTarget).host);
                        expect(read.port).to.equal(String((d as SyslogTarget).port));
                    }
                    rsyslogAccepts((dir) => agentConf(d, dir, dir));
                });
        });

    it("the bulk URL's host is a DNS name, an IPv4 or an [IPv6] address: the reported injection and its kin are refused", () => {
        const refused = [
            'https://logs.example.com"allowunsignedcerts="on"skipverifyhost="on"searchtype="/',
            "https://logs=example.com/",
            "https://logs(1).example.com/",
            "https://logs_1.example.com/",
            "https://logs'.example.com/",
        ];
        for (const url of refused) {
            let issues: string[] = [];
            try {
                validateArgs("inj", es(url) as never);
            } catch (e) {
                issues = (e as WebserverPodArgError).issues.map((i) => `${i.arg}: ${i.rule}`);
            }
            expect(issues, url).to.have.length(1);
            expect(issues[0], url).to.match(/^destination\.elasticsearch\.url: must name its server by a DNS name/);
        }
        for (const url of [
            "https://logs.example.com:9200/",
            "http://10.1.2.3:9428",
            "http://[fd00::1]:9428",
            "http://LOGS:9428",
        ])
            expect(() => validateArgs("inj", es(url) as never), url).to.not.throw();
    });

    it("rsString escapes what ends or escapes a string, and refuses control characters", () => {
        expect(rsString('a"b\\c$d')).to.equal('"a\\"b\\\\c$d"');
        expect(() => rsString("a\nb")).to.throw("control character");
        for (const s of SPECIALS.filter((x) => x >= " ")) expect(readString(rsString(`x${s}y`))).to.equal(`x${s}y`);
    });
});

describe("a credential put where no key takes it is not echoed", () => {
    it("an unknown key under destination (auth.password) is named, its value never shown", () => {
        let message = "";
        try {
            validateArgs("sec", es("https://logs:9200", { auth: { password: "hunter2-secret" } }) as never);
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).to.contain("invalid args.destination.elasticsearch.auth.password (value not shown");
        expect(message).to.not.contain("hunter2");
    });

    it("so is an unknown key named like a credential anywhere", () => {
        let message = "";
        try {
            validateArgs("sec", { apiToken: "hunter2-secret" } as never);
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).to.contain("invalid args.apiToken (value not shown").and.not.contain("hunter2");
    });
});

describe("nor is it echoed from stack config", () => {
    it("webserver-sidecar:destination with an unknown auth key: named, its value never shown", () => {
        let problems: string[] = [];
        try {
            programConfig("webserver", "logs", "webserver-sidecar", {
                "webserver-sidecar:destination": JSON.stringify({
                    elasticsearch: { url: "https://logs:9200", auth: { password: "hunter2-secret" } },
                }),
            });
        } catch (e) {
            problems = (e as StackConfigError).problems;
        }
        expect(problems).to.deep.equal([
            "webserver-sidecar:destination: invalid args.destination.elasticsearch.auth.password (value not shown: it may be a credential): is not an option (known: basicAuthSecret, allowPlainHttp)",
        ]);
    });
});
