// The named mutations of the shell shippers (components/shipper/*.sh) that `npm run
// mutate:shippers` applies one at a time, each expected to turn the tests named beside it red.
// Stryker mutates TypeScript only; these are the guarantees that live in shell. Each mutation is
// one exact text, found exactly once in its file (tests/unit/shellMutations.test.ts keeps the list
// in step with the scripts), replaced by the broken variant.

export type ShipperScript = "stream.sh" | "retention.sh" | "agent.sh" | "prestop.sh";

export interface ShellMutation {
    /** Its name in the report and on the command line. */
    readonly name: string;
    /** The script it breaks, in components/shipper/. */
    readonly file: ShipperScript;
    /** The exact text replaced: it occurs once in the file. */
    readonly from: string;
    /** The broken text put in its place. */
    readonly to: string;
    /** The guarantee it breaks, in a user's words. */
    readonly breaks: string;
    /** The shipper tests expected to go red: test files under tests/shipper/ and title fragments. */
    readonly tests: { readonly files: readonly string[]; readonly titles: readonly string[] };
}

const STREAM = "stream.test.ts";
const AGENT = "agent.test.ts";
const BULK = "agent-bulk.test.ts";
const METRICS = "agent-metrics.test.ts";
const OVERFLOW = "agent-overflow.test.ts";
const PRESTOP = "prestop.test.ts";

export const SHELL_MUTATIONS: readonly ShellMutation[] = [
    {
        name: "retention-past-shipped",
        file: "retention.sh",
        from: "        target=${saved[i]}\n    else",
        to: "        :\n    else",
        breaks: "retention frees only what has left the pod (shipped, or acknowledged): the size bound yields to the rest",
        tests: {
            files: [STREAM, AGENT],
            titles: [
                "with stdout blocked, frees nothing unshipped",
                "stdout blocked past maxAge, then kill -9",
                "GNU coreutils retention receiver down: frees nothing undelivered",
            ],
        },
    },
    {
        name: "read-allowance-counted-as-shipped",
        file: "stream.sh",
        from: "*) SHIPPED=$((pos - bufsize > run_start[i] ? pos - bufsize : run_start[i])) ;;",
        to: "*) SHIPPED=$pos ;;",
        breaks: "what tail has read but not yet written is not counted as shipped (a kill would lose it)",
        tests: {
            files: [STREAM],
            titles: [
                "with stdout blocked, frees nothing unshipped",
                "kill -9 under load",
                "stdout blocked past maxAge, then kill -9",
            ],
        },
    },
    {
        name: "resume-ignores-checkpoint",
        file: "stream.sh",
        from: '[ "${p[0]:-}" = "$cur" ] && START=${p[1]}',
        to: ":",
        breaks: "a restart resumes at the checkpoint: nothing shipped again",
        tests: { files: [STREAM], titles: ["after a quiet second, or a TERM, a restart ships nothing again"] },
    },
    {
        name: "stream-drain-skipped-on-term",
        file: "stream.sh",
        from: "trap begin_drain TERM INT",
        to: "trap 'stop_all; exit 0' TERM INT",
        breaks: "on TERM the stream shipper ships to the end of both logs before it exits",
        tests: { files: [STREAM], titles: ["TERM under load: every line written before it is shipped"] },
    },
    {
        name: "truncation-not-noticed",
        file: "stream.sh",
        from: 'if [ "$pos" -lt "${saved[i]}" ]; then',
        to: "if false; then",
        breaks: "a truncated log is followed from its new start, its old records dropped",
        tests: {
            files: [STREAM],
            titles: ["a truncated log", "a log truncated after retention freed some of it, then kill -9"],
        },
    },
    {
        name: "max-age-ignored",
        file: "retention.sh",
        from: 'if [ "${a%%:*}" -le $((now - max_age)) ]; then old=${a#*:}; else',
        to: "if false; then old=${a#*:}; else",
        breaks: "lines older than maxAge are freed even below the size bound",
        tests: { files: [STREAM], titles: ["frees lines older than maxAge even below the size bound"] },
    },
    {
        name: "delivered-is-file-size",
        file: "agent.sh",
        from: '[ "$OFFS" -gt "${saved[i]}" ] && saved[i]=$OFFS',
        to: "saved[i]=${STAT[${logs[i]}]#* }",
        breaks: "the agent counts as delivered only what imfile handed on after the receiver took it",
        tests: {
            files: [AGENT],
            titles: [
                "GNU coreutils retention receiver down: frees nothing undelivered",
                "GNU coreutils retention keeps the volume within maxSize",
            ],
        },
    },
    {
        name: "agent-record-not-restored",
        file: "agent.sh",
        from: '[ "${rec[0]:-}" = "$cur" ] || return 0',
        to: "return 0",
        breaks: "a state file a kill cut short is restored from the agent's own record: nothing sent again",
        tests: { files: [AGENT], titles: ["GNU coreutils imfile's state file"] },
    },
    {
        name: "agent-drain-skipped-on-term",
        file: "agent.sh",
        from: "trap begin_drain TERM INT",
        to: "trap stop_agent TERM INT",
        breaks: "on TERM the agent delivers to the end of both logs before it exits",
        tests: { files: [AGENT], titles: ["GNU coreutils TERM under load: every line written before it is delivered"] },
    },
    {
        name: "refused-credentials-start-reading",
        file: "agent.sh",
        from: "            401 | 403)",
        to: "            401999)",
        breaks: "wrong credentials stop the agent before it reads a line",
        tests: { files: [BULK], titles: ["wrong credentials: the agent stops before it reads a line"] },
    },
    {
        name: "rejected-documents-silent",
        file: "agent.sh",
        from: '[ "$size" -gt "$rejected_seen" ] || return 0',
        to: "return 0",
        breaks: "documents the service rejects inside an accepted request are said, not dropped silently",
        tests: { files: [BULK], titles: ["documents the service rejects inside an accepted request"] },
    },
    {
        name: "rejected-sized-after-start",
        file: "agent.sh",
        from: 'rejected_seen=$(stat -c %s "$rejected" 2>/dev/null || echo 0)\nstart_rsyslogd\n',
        to: 'start_rsyslogd\nrejected_seen=$(stat -c %s "$rejected" 2>/dev/null || echo 0)\n',
        breaks: "documents rejected as soon as the agent starts are said, however slow its shell is",
        tests: { files: [BULK], titles: ["documents rejected right at the start are said too"] },
    },
    {
        name: "first-record-not-rewound",
        file: "agent.sh",
        from: '        rewind_first_record "$i"\n',
        to: '        : rewind_first_record "$i"\n',
        breaks: "the line imfile records before sending it (the one crossing byte 512) still arrives after a kill -9",
        tests: { files: [BULK], titles: ["before it was sent: that line still arrives"] },
    },
    {
        name: "stop-records-held-line",
        file: "agent.sh",
        from: '        if [ -z "${pre[i]}" ] || ! delivered "$i" || [ "$OFFS" -le "${pre[i]}" ]; then continue; fi',
        to: "        continue",
        breaks: "a stop while the destination is away never skips the line rsyslogd's output held for a retry",
        tests: { files: [OVERFLOW], titles: ["stopped while the service is away"] },
    },
    {
        name: "metrics-delivered-is-size",
        file: "agent.sh",
        from: "        m_size[i]=$size m_done[i]=${dlv[i]:-0}",
        to: "        m_size[i]=$size m_done[i]=$size",
        breaks: "the metrics' delivered position and backlog are the agent's recorded position, not the log's size",
        tests: { files: [METRICS], titles: ["during an outage"] },
    },
    {
        name: "bound-never-drops",
        file: "agent.sh",
        from: '    [ "$overflow" -gt 0 ] && [ -z "$draining" ] && overflow_check',
        to: "    :",
        breaks: "past the volume's bound the oldest undelivered lines are dropped, counted, so the kubelet never evicts the Pod",
        tests: { files: [OVERFLOW], titles: ["drops the oldest undelivered lines"] },
    },
    {
        name: "rejected-file-unbounded",
        file: "agent.sh",
        from: '    [ "$rejected_keep" -gt 0 ] && [ "$target" -gt "$rejected_freed" ] || return 0',
        to: "    return 0",
        breaks: "the rejected documents' file is held to its newest bytes, what is older freed once said",
        tests: { files: [BULK], titles: ["the file is held to its newest 64 KiB"] },
    },
    {
        name: "deadline-ignores-stop-began",
        file: "retention.sh",
        from: "    drain_until=$((term_at + drain_seconds - waited))",
        to: "    drain_until=$((term_at + drain_seconds))",
        breaks: "after the classic sidecar's preStop hook the drain ends within the grace period, counted from when the Pod's stop began",
        tests: { files: [STREAM], titles: ["the deadline counts from when the Pod's stop began"] },
    },
    {
        name: "prestop-returns-at-once",
        file: "prestop.sh",
        from: '(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do',
        to: "false; do",
        breaks: "the classic sidecar's TERM is held back until nginx has exited",
        tests: { files: [PRESTOP], titles: ["waits while nginx's port takes connections"] },
    },
];

/** The occurrences of `from` in `text`. */
export function occurrences(text: string, from: string): number {
    let n = 0;
    for (let at = text.indexOf(from); at >= 0; at = text.indexOf(from, at + from.length)) n++;
    return n;
}

/** The script with the mutation applied; throws when its text is not there exactly once. */
export function applyMutation(text: string, m: ShellMutation): string {
    const n = occurrences(text, m.from);
    if (n !== 1) {
        throw new Error(
            `mutation ${m.name}: its text occurs ${n} times in components/shipper/${m.file}, not once: ${JSON.stringify(m.from)}`,
        );
    }
    return text.replace(m.from, () => m.to);
}

/** A mocha --grep pattern matching any of the titles, each taken literally. */
export function grepFor(titles: readonly string[]): string {
    return titles.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}
