// Reads Prometheus' text exposition format (version 0.0.4) strictly: what a scraper would refuse,
// this throws on, so a test that reads the agent's metrics also checks they are well formed.

/** The samples of one exposition, by `name` or `name{labels}` exactly as written. */
export type Samples = Map<string, number>;

/** The log agent's sample `webserver_log_agent_<name>`, of one log when `log` is given. */
export const agentMetric = (s: Samples, name: string, log?: "access" | "error"): number | undefined =>
    s.get(`webserver_log_agent_${name}${log ? `{log="${log}"}` : ""}`);

const COMMENT = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/;
const SAMPLE =
    /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (\S+)$/;

/**
 * The samples of `text`; throws naming the line when a line is neither a HELP or TYPE comment nor
 * a sample, when a sample's family has no HELP and TYPE before it, when a TYPE is not gauge or
 * counter (all the agent writes), when a counter is not named `_total`, or a value is not a number.
 */
export function parsePrometheus(text: string): Samples {
    const help = new Set<string>();
    const type = new Map<string, string>();
    const samples: Samples = new Map();
    if (text !== "" && !text.endsWith("\n")) throw new Error("the exposition does not end with a newline");
    for (const line of text.split("\n").filter((l) => l !== "")) {
        const c = COMMENT.exec(line);
        if (c) {
            if (c[1] === "HELP") help.add(c[2]);
            else if (c[3] === "gauge" || c[3] === "counter") type.set(c[2], c[3]);
            else throw new Error(`type ${c[3]} of ${c[2]}: the agent writes gauges and counters`);
            continue;
        }
        const s = SAMPLE.exec(line);
        if (!s) throw new Error(`not a sample or a HELP/TYPE line: ${JSON.stringify(line)}`);
        const [, name, labels = "", value] = s;
        if (!help.has(name) || !type.has(name)) throw new Error(`${name} has no HELP and TYPE before its sample`);
        if (type.get(name) === "counter" && !name.endsWith("_total"))
            throw new Error(`counter ${name} is not named _total`);
        const v = Number(value);
        if (!Number.isFinite(v)) throw new Error(`${name}${labels}: ${value} is not a number`);
        if (samples.has(name + labels)) throw new Error(`${name}${labels} twice`);
        samples.set(name + labels, v);
    }
    return samples;
}
