// A CPU limit for a process on this machine, as a container's `limits.cpu` is one: a cgroup with a
// CFS quota (cgroup v2's cpu.max, or v1's cpu.cfs_quota_us), and the CPU time its processes used
// (cpu.stat's usage_usec, or v1's cpuacct.usage). Needs root, as the bench does.
import * as fs from "fs";
import * as path from "path";

const ROOT = "/sys/fs/cgroup";
const PERIOD_US = 100_000;

/** The cgroup directories a limited process joins: one (v2) or the cpu and cpuacct hierarchies (v1). */
interface Layout {
    quota: string;
    usage: string;
    join: string[];
    usageUs: () => number;
}

function layout(name: string): Layout {
    if (fs.existsSync(path.join(ROOT, "cgroup.controllers"))) {
        const dir = path.join(ROOT, name);
        fs.mkdirSync(dir, { recursive: true });
        // The parent hands the cpu controller down only when asked.
        const sub = path.join(ROOT, "cgroup.subtree_control");
        if (!fs.readFileSync(sub, "utf8").split(/\s+/).includes("cpu")) fs.writeFileSync(sub, "+cpu");
        return {
            quota: dir,
            usage: dir,
            join: [dir],
            usageUs: () => Number(/^usage_usec (\d+)$/m.exec(fs.readFileSync(path.join(dir, "cpu.stat"), "utf8"))![1]),
        };
    }
    const cpu = path.join(ROOT, "cpu", name);
    const acct = path.join(ROOT, "cpuacct", name);
    for (const d of [cpu, acct]) fs.mkdirSync(d, { recursive: true });
    // Often one hierarchy mounted as cpu,cpuacct with both names linked to it.
    const same = fs.realpathSync(cpu) === fs.realpathSync(acct);
    return {
        quota: cpu,
        usage: acct,
        join: same ? [cpu] : [cpu, acct],
        usageUs: () => Number(fs.readFileSync(path.join(acct, "cpuacct.usage"), "utf8")) / 1000,
    };
}

export class CpuLimit {
    private readonly l: Layout;

    /** A cgroup `name` whose processes together get at most `millicores` of CPU time (1000: one core). */
    constructor(
        readonly name: string,
        readonly millicores: number,
    ) {
        if (!Number.isInteger(millicores) || millicores <= 0)
            throw new Error(`CpuLimit: millicores must be a positive integer, got ${millicores}`);
        try {
            this.l = layout(name);
        } catch (e) {
            throw new Error(`cannot create the cgroup ${name} under ${ROOT} (the bench needs root): ${e}`);
        }
        const quotaUs = (millicores * PERIOD_US) / 1000;
        if (fs.existsSync(path.join(this.l.quota, "cpu.max"))) {
            fs.writeFileSync(path.join(this.l.quota, "cpu.max"), `${quotaUs} ${PERIOD_US}`);
        } else {
            fs.writeFileSync(path.join(this.l.quota, "cpu.cfs_period_us"), String(PERIOD_US));
            fs.writeFileSync(path.join(this.l.quota, "cpu.cfs_quota_us"), String(quotaUs));
        }
    }

    /** argv that joins the cgroup, then execs `argv` (same pid: its children are in it too). */
    wrap(argv: string[]): string[] {
        const joins = this.l.join.map((d) => `echo $$ > ${d}/cgroup.procs`).join("; ");
        return ["sh", "-c", `${joins}; exec "$@"`, "sh", ...argv];
    }

    /** CPU seconds the cgroup's processes have used since it was made. */
    cpuSeconds(): number {
        return this.l.usageUs() / 1e6;
    }

    /** The processes in it now. */
    pids(): number[] {
        return fs.readFileSync(path.join(this.l.quota, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    }

    /**
     * The sum of each live process's peak resident memory (VmHWM) in bytes: what a container's
     * memory limit must hold, at most (processes peak at different moments).
     */
    peakRssBytes(): number {
        let total = 0;
        for (const pid of this.pids()) {
            try {
                const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
                if (m) total += Number(m[1]) * 1024;
            } catch {
                // ended between the listing and the read
            }
        }
        return total;
    }

    /** Removes the cgroup (its processes must have ended). */
    dispose(): void {
        for (const d of new Set([this.l.quota, this.l.usage])) {
            try {
                fs.rmdirSync(d);
            } catch {
                // still busy: a later run's name differs
            }
        }
    }
}
