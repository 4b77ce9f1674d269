// The GitHub workflows cannot run here, so this test checks what they would hand each tool:
// every action pinned to a commit whose action.yml is vendored under tests/fixtures/actions
// (inputs declared there, a current runtime), Node on a maintained LTS with npm caching, a
// file:// state backend created before it is used, and no step that writes to a pull request
// running for a fork (GitHub gives fork PRs a read-only token).
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REQUIRE_REAL_IMAGES } from "../../scripts/lib/images";
import { RULES } from "../../policy/rules";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const VENDORED = path.join(ROOT, "tests", "fixtures", "actions");

/** Node majors GitHub's hosted runners and Node.js itself still maintain. */
const MAINTAINED_NODE = [22, 24];
/** Action runtimes GitHub still runs (node20 was retired in 2026). */
const CURRENT_RUNTIMES = ["node24", "composite", "docker"];
/** The condition under which a pull request comes from this repository, not a fork. */
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";

interface Step {
    id?: string;
    "working-directory"?: string;
    name?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    /** A reusable workflow of this repository the job calls (`./.github/workflows/ci.yml`): no steps of its own. */
    uses?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
    strategy?: { matrix?: Record<string, unknown> };
}
interface Workflow {
    file: string;
    text: string;
    on: any;
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    concurrency?: { group?: string; "cancel-in-progress"?: unknown };
    jobs: Record<string, Job>;
}

interface VendoredAction {
    sha: string;
    tag: string;
    inputs: Record<string, { required?: boolean; default?: unknown }>;
    using: string;
}

function workflows(): Workflow[] {
    return fs
        .readdirSync(WORKFLOWS)
        .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
        .map((file) => {
            const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
            const doc = parse(text);
            // YAML 1.1 readers (GitHub's included) take a bare `on:` key as the boolean true.
            return {
                file,
                text,
                on: doc.on ?? doc[true as any],
                permissions: doc.permissions,
                env: doc.env,
                concurrency: doc.concurrency,
                // A job calling a reusable workflow has no steps: its steps are that workflow's, checked there.
                jobs: Object.fromEntries(
                    Object.entries(doc.jobs as Record<string, Job>).map(([n, j]) => [
                        n,
                        { ...j, steps: j.steps ?? [] },
                    ]),
                ),
            };
        });
}

/** The action.yml vendored for owner/repo, with the commit and tag its header names. */
function vendored(action: string): VendoredAction | undefined {
    const file = path.join(VENDORED, action, "action.yml");
    if (!fs.existsSync(file)) return undefined;
    const text = fs.readFileSync(file, "utf8");
    const header = /blob\/([0-9a-f]{40})\/(?:[\w.-]+\/)*action\.yml \((v[\d.]+)\)/.exec(text);
    if (!header) throw new Error(`${file}: header must name the commit and tag it was copied from`);
    const doc = parse(text);
    return { sha: header[1], tag: header[2], inputs: doc.inputs ?? {}, using: doc.runs?.using };
}

function allSteps(): Array<{ wf: Workflow; jobName: string; job: Job; step: Step; index: number }> {
    return workflows().flatMap((wf) =>
        Object.entries(wf.jobs).flatMap(([jobName, job]) =>
            job.steps.map((step, index) => ({ wf, jobName, job, step, index })),
        ),
    );
}

const where = (wf: Workflow, jobName: string, step: Step, index: number) =>
    `${wf.file} job ${jobName} step ${step.name ?? step.id ?? step.uses ?? index}`;

/** owner/repo of a `uses:` (without a subpath or ref). */
const actionOf = (uses: string) => uses.split("@")[0].split("/").slice(0, 2).join("/");
/** The action a `uses:` runs, subpath included (`actions/cache/save`): where its action.yml is vendored. */
const actionPathOf = (uses: string) => uses.split("@")[0];

/** The state backend URL a step hands to Pulumi, and the shell text that must create it. */
function backendOf(wf: Workflow, job: Job, step: Step): string | undefined {
    if (step.uses && actionOf(step.uses) === "pulumi/actions" && step.with?.command) {
        return String(step.with["cloud-url"] ?? "");
    }
    const env = { ...wf.env, ...job.env, ...step.env };
    if (step.run && /\bpulumi\b/.test(step.run)) {
        const login = /pulumi login\s+("?)([^\s"]+)\1/.exec(step.run);
        if (login) {
            // `pulumi login "$BACKEND"`: the value of that variable in the step's environment.
            const variable = /^\$\{?(\w+)\}?$/.exec(login[2]);
            return variable ? (env[variable[1]] ?? login[2]) : login[2];
        }
        if (env.PULUMI_BACKEND_URL) return env.PULUMI_BACKEND_URL;
    }
    return undefined;
}

describe("GitHub workflows (checked here; they run only on GitHub)", () => {
    it("each have a concurrency group: runs of one ref (or one stack) never overlap", () => {
        const without = workflows()
            .filter((wf) => typeof wf.concurrency?.group !== "string")
            .map((wf) => wf.file);
        expect(without).to.deep.equal([]);
    });

    it("ci.yml saves the tools cache once they are built, before the tests, under the key it restored with", () => {
        const steps = workflows().find((wf) => wf.file === "ci.yml")!.jobs.test.steps;
        const at = (action: string) => steps.findIndex((s) => s.uses !== undefined && actionPathOf(s.uses) === action);
        const [restore, save] = [at("actions/cache/restore"), at("actions/cache/save")];
        const build = steps.findIndex((s) => /scripts\/tools\.sh install/.test(String(s.run ?? "")));
        const run = steps.findIndex((s) => /bash \.ci\/run/.test(String(s.run ?? "")));
        expect(at("actions/cache"), "no cache action that saves only after a green job").to.equal(-1);
        expect([restore, build, save, run].every((i, k, a) => i >= 0 && (k === 0 || i > a[k - 1]))).to.equal(true);
        const restoreId = steps[restore].id!;
        expect(steps[save].with?.key).to.equal(`\${{ steps.${restoreId}.outputs.cache-primary-key }}`);
        expect(steps[save].with?.path).to.equal(steps[restore].with?.path);
        for (const i of [build, save]) expect(steps[i].if).to.contain(`steps.${restoreId}.outputs.cache-hit != 'true'`);
        // What .ci/run builds on a kind runner before its tests, all of it, so the saved cache is whole.
        expect(String(steps[build].run)).to.contain("install uutils victorialogs vmalert rsyslog-testing");
    });

    it("ci.yml runs .ci/run with the release Pulumi CLI pinned to the SDK's, and the provider the SDK asks for", () => {
        const ci = workflows().find((wf) => wf.file === "ci.yml")!;
        const job = ci.jobs.test;
        expect(job.env?.WEBSERVER_PROVIDER_FROM_REGISTRY, "the engine downloads the provider").to.equal("1");
        const steps = job.steps;
        const pins = steps.findIndex((s) => s.id === "pins" && /scripts\/ci\/pins\.sh/.test(String(s.run)));
        const cli = steps.findIndex((s) => s.uses !== undefined && actionOf(s.uses) === "pulumi/actions");
        const run = steps.findIndex((s) => /bash \.ci\/run/.test(String(s.run ?? "")));
        expect(pins, "the pins step").to.be.at.least(0);
        expect(cli, "pulumi/actions after the pins").to.be.above(pins);
        expect(run, ".ci/run after the CLI").to.be.above(cli);
        expect(steps[cli].with?.["pulumi-version"]).to.equal("${{ steps.pins.outputs.pulumi }}");
        expect(steps[cli].with?.command, "install only").to.equal(undefined);
    });

    it("pin every action to the commit of a vendored action.yml, with its tag in a comment", () => {
        const problems: string[] = [];
        for (const wf of workflows()) {
            for (const line of wf.text.split("\n")) {
                const m = /^\s*(?:- )?uses:\s*([^\s#]+)\s*(?:#\s*(\S+))?/.exec(line);
                if (!m) continue;
                const [, uses, comment] = m;
                if (uses.startsWith("./")) {
                    // A reusable workflow of this repository, called at the caller's commit: it must exist and be callable.
                    const called = path.join(ROOT, uses);
                    const on = fs.existsSync(called) ? (parse(fs.readFileSync(called, "utf8")).on ?? {}) : undefined;
                    if (on === undefined || !("workflow_call" in on))
                        problems.push(`${wf.file}: ${uses}: no such workflow with a workflow_call trigger`);
                    continue;
                }
                const [, ref] = uses.split("@");
                const v = vendored(actionPathOf(uses));
                if (!v)
                    problems.push(`${wf.file}: ${uses}: no tests/fixtures/actions/${actionPathOf(uses)}/action.yml`);
                else if (ref !== v.sha) problems.push(`${wf.file}: ${uses}: pin ${v.sha} (${v.tag}), as vendored`);
                else if (comment !== v.tag) problems.push(`${wf.file}: ${uses}: comment must say # ${v.tag}`);
            }
        }
        expect(problems).to.deep.equal([]);
    });

    it("give each action only inputs its action.yml declares, and every required one", () => {
        const problems: string[] = [];
        for (const { wf, jobName, step, index } of allSteps()) {
            if (!step.uses) continue;
            const v = vendored(actionPathOf(step.uses));
            if (!v) continue; // reported by the pinning test
            for (const key of Object.keys(step.with ?? {})) {
                if (!(key in v.inputs)) problems.push(`${where(wf, jobName, step, index)}: input ${key} not declared`);
            }
            for (const [key, spec] of Object.entries(v.inputs)) {
                if (spec?.required === true && spec.default === undefined && !(key in (step.with ?? {})))
                    problems.push(`${where(wf, jobName, step, index)}: required input ${key} missing`);
            }
        }
        expect(problems).to.deep.equal([]);
    });

    it("use actions that run on a current runtime (not the retired node20)", () => {
        const used = new Set(allSteps().flatMap(({ step }) => (step.uses ? [actionPathOf(step.uses)] : [])));
        for (const a of used) {
            const v = vendored(a);
            if (v) expect(CURRENT_RUNTIMES, `${a} runs.using`).to.include(v.using);
        }
    });

    it("set up a maintained Node LTS with npm caching (none in the job that publishes)", () => {
        const problems: string[] = [];
        for (const { wf, jobName, job, step, index } of allSteps()) {
            if (!step.uses || actionOf(step.uses) !== "actions/setup-node") continue;
            const spec = String(step.with?.["node-version"] ?? "");
            const m = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(spec);
            const versions = m ? ((job.strategy?.matrix?.[m[1]] as unknown[]) ?? []).map(String) : [spec];
            for (const ver of versions) {
                if (!MAINTAINED_NODE.includes(Number(ver.split(".")[0])))
                    problems.push(`${where(wf, jobName, step, index)}: node-version ${ver}`);
            }
            // A job that publishes builds from the registry and its commit alone: no cache, and said so.
            const publishes = job.steps.some((s) => /^npm publish\b/.test(String(s.run ?? "")));
            if (publishes) {
                if (step.with?.cache !== undefined || step.with?.["package-manager-cache"] !== false)
                    problems.push(`${where(wf, jobName, step, index)}: a publishing job with a cache`);
            } else if (step.with?.cache !== "npm") problems.push(`${where(wf, jobName, step, index)}: no cache: npm`);
        }
        expect(problems).to.deep.equal([]);
    });

    it("create a file:// state backend's directory before Pulumi uses it", () => {
        const problems: string[] = [];
        for (const wf of workflows()) {
            for (const [jobName, job] of Object.entries(wf.jobs)) {
                job.steps.forEach((step, index) => {
                    const url = backendOf(wf, job, step);
                    if (url === undefined) return;
                    const earlier = job.steps.slice(0, index);
                    const fromStep = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.[\w-]+\s*\}\}$/.exec(url);
                    if (fromStep) {
                        // Chosen at run time by the backend script, which creates a file:// directory itself
                        // (tests/unit/ci-scripts.test.ts runs it).
                        const chooser = earlier.find((s) => s.id === fromStep[1]);
                        if (!chooser?.run?.includes("scripts/ci/pulumi-backend.sh"))
                            problems.push(`${where(wf, jobName, step, index)}: ${url} is not set by an earlier step`);
                        return;
                    }
                    if (!url.startsWith("file://")) return;
                    const dir = url.slice("file://".length);
                    const created = [...earlier, step].some(
                        (s) =>
                            s.run !== undefined &&
                            s !== step &&
                            /mkdir -p/.test(s.run) &&
                            (s.run.includes(dir) || s.run.includes("${PULUMI_BACKEND_URL#file://}")),
                    );
                    const createdInStep =
                        step.run !== undefined && /mkdir -p\s+"?\$\{PULUMI_BACKEND_URL#file:\/\/\}/.test(step.run);
                    if (!created && !createdInStep)
                        problems.push(`${where(wf, jobName, step, index)}: ${url} used before mkdir -p creates it`);
                });
            }
        }
        expect(problems).to.deep.equal([]);
    });

    it("write to a pull request only when it comes from this repository, and then with the permission to", () => {
        const problems: string[] = [];
        for (const { wf, jobName, job, step, index } of allSteps()) {
            const pulumiComment =
                step.uses !== undefined &&
                actionOf(step.uses) === "pulumi/actions" &&
                String(step.with?.["comment-on-pr"] ?? "false") !== "false";
            const scriptComment =
                step.uses !== undefined &&
                actionOf(step.uses) === "actions/github-script" &&
                /createComment|updateComment|preview-comment/.test(String(step.with?.script ?? ""));
            if (!pulumiComment && !scriptComment) continue;
            const guarded =
                (step.if ?? "").includes(SAME_REPO) || String(step.with?.["comment-on-pr"] ?? "").includes(SAME_REPO);
            if (!guarded) problems.push(`${where(wf, jobName, step, index)}: comments on fork PRs too`);
            if ((job.permissions ?? wf.permissions)?.["pull-requests"] !== "write")
                problems.push(`${where(wf, jobName, step, index)}: job lacks pull-requests: write`);
        }
        expect(problems).to.deep.equal([]);
    });

    it("preview every pull request, forks included, into the job summary", () => {
        const previews = allSteps().filter(
            ({ wf, step }) =>
                wf.on?.pull_request !== undefined &&
                step.uses !== undefined &&
                actionOf(step.uses) === "pulumi/actions" &&
                step.with?.command === "preview",
        );
        expect(previews, "a pulumi preview step on pull requests").to.have.length.greaterThan(0);
        for (const { step } of previews) {
            expect(String(step.with?.["comment-on-summary"]), "preview written to the job summary").to.equal("true");
            expect(step.if ?? "", "the preview itself runs for forks").to.not.include(SAME_REPO);
        }
    });

    it("run on a kind cluster with two workers, so a Deployment's replicas are spread over nodes", () => {
        const kind = parse(fs.readFileSync(path.join(ROOT, "kind-config.yaml"), "utf8"));
        expect(kind.nodes.filter((n: { role: string }) => n.role === "worker")).to.have.length(2);
        const up = workflows().find((w) => w.file === "up.yml")!;
        expect(up.text).to.contain("kubectl rollout status deployment/webserver");
        expect(up.text, "up.yml checks the replicas landed on two nodes").to.match(/test "\$nodes" = 2/);
    });

    it("run the policy pack after installing its dependencies: advisory on previews, its restricted rules mandatory on the prod stack's up", () => {
        const packUses: string[] = [];
        for (const { wf, jobName, job, step, index } of allSteps()) {
            const viaAction =
                step.uses !== undefined && actionOf(step.uses) === "pulumi/actions" && step.with?.policyPacks;
            const viaCli = step.run !== undefined && /--policy-pack\s/.test(step.run);
            if (!viaAction && !viaCli) continue;
            packUses.push(`${wf.file}:${jobName}`);
            const installed = job.steps.slice(0, index).some((s) => /npm ci --prefix policy\b/.test(s.run ?? ""));
            expect(installed, `${where(wf, jobName, step, index)}: npm ci --prefix policy before`).to.equal(true);
            for (const m of (step.run ?? "").matchAll(/--policy-pack(?:-config)?\s+(\S+)/g))
                expect(fs.existsSync(path.join(ROOT, step["working-directory"] ?? ".", m[1])), m[1]).to.equal(true);
        }
        expect(packUses).to.include.members(["preview.yml:preview", "up.yml:up"]);
        const preview = allSteps().find(({ step }) => step.with?.command === "preview")!.step;
        expect(preview.with?.policyPacks).to.equal("../policy");
        expect(preview.with?.policyPackConfigs, "advisory on previews").to.equal(undefined);
        const upText = workflows().find((w) => w.file === "up.yml")!.text;
        expect(upText).to.match(
            /pulumi stack select prod[\s\S]*--policy-pack \.\.\/policy --policy-pack-config \.\.\/policy\/config\/restricted-mandatory\.json/,
        );
    });

    it("install the Pulumi CLI pinned in tools/versions.env, through scripts/ci/pins.sh, in every pulumi/actions step", () => {
        const problems: string[] = [];
        let checked = 0;
        for (const { wf, jobName, job, step, index } of allSteps()) {
            if (step.uses === undefined || actionOf(step.uses) !== "pulumi/actions") continue;
            checked++;
            const pinsStep = job.steps
                .slice(0, index)
                .find((s) => s.id === "pins" && /bash scripts\/ci\/pins\.sh\b/.test(s.run ?? ""));
            if (step.with?.["pulumi-version"] !== "${{ steps.pins.outputs.pulumi }}" || !pinsStep)
                problems.push(`${where(wf, jobName, step, index)}: pulumi-version not the pin from scripts/ci/pins.sh`);
        }
        expect(checked, "pulumi/actions steps").to.be.above(0);
        expect(problems).to.deep.equal([]);
    });

    it("destroy only a stack that was created, so a clean-up after a failure does not fail again", () => {
        const problems: string[] = [];
        for (const { wf, jobName, step, index } of allSteps()) {
            if (/\bpulumi destroy\b/.test(step.run ?? ""))
                problems.push(
                    `${where(wf, jobName, step, index)}: a bare pulumi destroy (use scripts/ci/destroy-if-created.sh)`,
                );
        }
        const up = workflows().find((w) => w.file === "up.yml")!;
        expect(up.text).to.contain("bash ../scripts/ci/destroy-if-created.sh dev");
        expect(up.text).to.contain("bash ../scripts/ci/destroy-if-created.sh prod");
        expect(problems).to.deep.equal([]);
    });

    it("preview one run per pull request at a time, a newer push cancelling the older", () => {
        const preview = workflows().find((w) => w.file === "preview.yml")!;
        const concurrency = parse(preview.text).concurrency;
        expect(concurrency?.group ?? "").to.contain("github.event.pull_request.number");
        expect(concurrency?.["cancel-in-progress"]).to.equal(true);
    });

    it("with persistent state, preview against an existing stack (never an upserted empty one), deployed by deploy.yml on main", () => {
        const preview = workflows().find((w) => w.file === "preview.yml")!;
        const job = Object.values(preview.jobs)[0];
        const at = job.steps.findIndex((s) => s.with?.command === "preview");
        const step = job.steps[at];
        expect(String(step.with?.upsert), "upsert only for throw-away state").to.equal(
            "${{ steps.backend.outputs.kind == 'throwaway' }}",
        );
        const check = job.steps
            .slice(0, at)
            .find((s) => /bash \.\.\/scripts\/ci\/require-stack\.sh "\$BACKEND" "\$STACK"/.test(s.run ?? ""));
        expect(check, "a step requiring the stack before the preview").to.not.equal(undefined);
        expect(check!.if).to.equal("steps.backend.outputs.kind == 'persistent'");
        // The deploy path of that state: an up of the same stack on pushes to main.
        const deploy = workflows().find((w) => w.file === "deploy.yml");
        expect(deploy, "deploy.yml").to.not.equal(undefined);
        expect(deploy!.on?.push?.branches).to.deep.equal(["main"]);
        const djob = Object.values(deploy!.jobs)[0];
        expect(djob.env?.STACK, "the stack preview.yml compares with").to.equal(job.env?.STACK);
        expect(djob.env?.STATE_BACKEND_URL).to.equal(job.env?.STATE_BACKEND_URL);
        const up = djob.steps.find((s) => s.with?.command === "up");
        expect(up?.with?.["stack-name"]).to.equal("${{ env.STACK }}");
        expect(up?.with?.["cloud-url"]).to.equal("${{ steps.backend.outputs.url }}");
        expect(up?.if).to.equal("steps.backend.outputs.kind == 'persistent'");
    });

    it("run the e2e with the real default images on GitHub's runners: a failed pull fails CI", () => {
        const ci = workflows().find((w) => w.file === "ci.yml")!;
        const job = ci.jobs.test;
        expect(job.env?.[REQUIRE_REAL_IMAGES]).to.equal("1");
        const run = job.steps.find((s) => /bash \.ci\/run/.test(s.run ?? ""))!;
        // sudo drops the environment unless told to keep it.
        expect(run.run).to.match(/sudo --preserve-env\b/);
    });

    // preview.yml runs a pull request's own code (npm's scripts, the program), deploy.yml deploys.
    const deployPaths = () => {
        const job = (file: string) => Object.values(workflows().find((w) => w.file === file)!.jobs)[0];
        return { preview: job("preview.yml"), deploy: job("deploy.yml") };
    };
    const SECRET = /\$\{\{[^}]*\bsecrets\./;

    it("run preview and deploy in the GitHub Environments preview and production, whose secrets are theirs alone", () => {
        const { preview, deploy } = deployPaths();
        expect(preview.environment).to.equal("preview");
        expect(deploy.environment).to.equal("production");
    });

    it("hand a secret only to the steps that need it, never at workflow or job level, never to npm ci (the PR's scripts)", () => {
        const problems: string[] = [];
        for (const wf of workflows().filter((w) => w.file === "preview.yml" || w.file === "deploy.yml")) {
            for (const [k, v] of Object.entries(wf.env ?? {}))
                if (SECRET.test(String(v))) problems.push(`${wf.file}: workflow env ${k}`);
            for (const [jobName, job] of Object.entries(wf.jobs)) {
                for (const [k, v] of Object.entries(job.env ?? {}))
                    if (SECRET.test(String(v))) problems.push(`${wf.file} job ${jobName}: env ${k}`);
                job.steps.forEach((step, index) => {
                    const given = [...Object.values(step.env ?? {}), ...Object.values(step.with ?? {})].map(String);
                    if (/\bnpm (ci|install)\b/.test(step.run ?? "") && given.some((v) => SECRET.test(v)))
                        problems.push(`${where(wf, jobName, step, index)}: a secret beside npm`);
                });
            }
        }
        expect(problems).to.deep.equal([]);
        // And the steps that talk to the state backend do get its credentials.
        for (const job of Object.values(deployPaths())) {
            const pulumi = job.steps.find((s) => s.with?.command === "preview" || s.with?.command === "up")!;
            expect(Object.keys(pulumi.env ?? {})).to.include.members(["PULUMI_ACCESS_TOKEN", "AWS_ACCESS_KEY_ID"]);
        }
    });

    it("make the policy pack's restricted rules mandatory on deploy (advisory on previews)", () => {
        const { preview, deploy } = deployPaths();
        const up = deploy.steps.find((s) => s.with?.command === "up")!;
        expect(up.with?.policyPacks).to.equal("../policy");
        const config = JSON.parse(
            fs.readFileSync(path.join(ROOT, String(up.with?.["work-dir"]), String(up.with?.policyPackConfigs)), "utf8"),
        );
        const mandatory = Object.keys(config).filter((k) => config[k] === "mandatory");
        expect(mandatory).to.include.members(RULES.filter((r) => r.pssRestricted).map((r) => r.id));
        const pr = preview.steps.find((s) => s.with?.command === "preview")!;
        expect(pr.with?.policyPacks).to.equal("../policy");
        expect(pr.with?.policyPackConfigs).to.equal(undefined);
        // The stack both default to meets them: the prod stack (production: true).
        expect(deploy.env?.STACK).to.equal("${{ vars.PULUMI_STACK || 'prod' }}");
    });

    it("ask for an OIDC token only where an OIDC action runs, and in a pull request only for one from this repository", () => {
        const OIDC = ["pulumi/auth-actions", "aws-actions/configure-aws-credentials"];
        for (const wf of workflows()) {
            for (const [jobName, job] of Object.entries(wf.jobs)) {
                const oidc = job.steps.filter(
                    (s) =>
                        (s.uses && OIDC.includes(actionOf(s.uses))) ||
                        // npm's trusted publishing: npm itself asks for the token.
                        /^npm publish --provenance\b/.test(String(s.run ?? "")),
                );
                const perms = { ...wf.permissions, ...job.permissions };
                expect(perms["id-token"] === "write", `${wf.file} job ${jobName}: id-token: write`).to.equal(
                    oidc.length > 0,
                );
                if (wf.on?.pull_request !== undefined)
                    for (const s of oidc) expect(s.if, `${wf.file}: ${s.name}`).to.contain(SAME_REPO);
                // Each one's credentials are read from its outputs, not exported to every later step.
                for (const s of oidc.filter((x) => x.uses))
                    expect(
                        s.with?.["export-environment-variables"] ?? s.with?.["output-env-credentials"],
                        `${wf.file}: ${s.name}`,
                    ).to.equal(false);
            }
        }
    });

    it("pin every container image they run (a tag other than latest, or a digest)", () => {
        const problems: string[] = [];
        for (const wf of workflows()) {
            const env = { ...wf.env, ...Object.assign({}, ...Object.values(wf.jobs).map((j) => j.env ?? {})) };
            const images = [
                ...[...wf.text.matchAll(/--image[= ]"?([^\s"]+)"?/g)].map((m) => m[1]),
                ...[...wf.text.matchAll(/^\s*image:\s*(\S+)/gm)].map((m) => m[1]),
            ].map((i) => i.replace(/^\$\{?(\w+)\}?$/, (_, v) => String(env[v] ?? `$${v}`)));
            for (const image of images) {
                const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:[\w][\w.-]*$/.test(image.split("/").pop()!);
                if (!pinned || /:latest$/.test(image)) problems.push(`${wf.file}: ${image}`);
            }
        }
        expect(problems).to.deep.equal([]);
        expect(workflows().find((w) => w.file === "up.yml")!.text).to.contain('--image="$CURL_IMAGE"');
    });

    it("check out the whole history where .ci/run runs (the upgrade test deploys a release by its commit)", () => {
        const ci = workflows().find((w) => w.file === "ci.yml")!;
        const runs = Object.values(ci.jobs).filter((j) => j.steps.some((s) => /bash \.ci\/run/.test(s.run ?? "")));
        expect(runs).to.have.length.greaterThan(0);
        for (const job of runs) {
            const checkout = job.steps.find((s) => s.uses && actionOf(s.uses) === "actions/checkout")!;
            expect(String(checkout.with?.["fetch-depth"])).to.equal("0");
        }
    });

    it("release.yml: a version tag -> the tag and CHANGELOG checked -> ci.yml whole -> npm publish --provenance -> a GitHub release", () => {
        const release = workflows().find((w) => w.file === "release.yml")!;
        expect(release.on).to.deep.equal({ push: { tags: ["v[0-9]+.[0-9]+.[0-9]+*"] } });
        const { check, ci, publish } = release.jobs;
        const runs = (job: Job) => job.steps.map((s) => String(s.run ?? "").trim());
        expect(runs(check)).to.include('npm run -s release -- check "$TAG"');
        expect(check.steps.find((s) => s.name === "npm run release -- check")!.env?.TAG).to.equal(
            "${{ github.ref_name }}",
        );
        // The whole of ci.yml on the tagged commit, which a tag push no longer starts on its own.
        expect(ci.uses).to.equal("./.github/workflows/ci.yml");
        expect(ci.needs).to.equal("check");
        const ciWorkflow = workflows().find((w) => w.file === "ci.yml")!;
        expect(ciWorkflow.on.push).to.deep.equal({ branches: ["**"] });
        expect(ciWorkflow.on).to.have.property("workflow_call");
        // Publishing: after both, in an environment that can hold reviewers, with only its own permissions.
        expect(publish.needs).to.deep.equal(["check", "ci"]);
        expect(publish.environment).to.equal("release");
        expect(publish.permissions).to.deep.equal({ contents: "write", "id-token": "write" });
        expect(release.permissions).to.deep.equal({ contents: "read" });
        const setup = publish.steps.find((s) => s.uses && actionOf(s.uses) === "actions/setup-node")!;
        expect(setup.with?.["registry-url"]).to.equal("https://registry.npmjs.org");
        const order = [
            /^if \[ "\$\(printf '%s\\n' 11\.5\.1 "\$\(npm --version\)"/,
            /^npm ci$/,
            /^npm run -s release -- check "\$TAG" --notes "\$RUNNER_TEMP\/notes\.md"\nnpm run -s release -- repository "\$REPOSITORY_URL"$/,
            /^npm publish --provenance --access public$/,
            /^gh release create "\$TAG" --verify-tag --title "\$TAG" --notes-file "\$RUNNER_TEMP\/notes\.md"$/,
        ].map((re) => runs(publish).findIndex((r) => re.test(r)));
        expect(
            order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
            JSON.stringify(order),
        ).to.equal(true);
        const env = (re: RegExp) => publish.steps.find((s) => re.test(String(s.run ?? "")))!.env;
        expect(env(/release -- repository/)).to.deep.equal({
            TAG: "${{ github.ref_name }}",
            REPOSITORY_URL: "${{ github.server_url }}/${{ github.repository }}",
        });
        expect(env(/^gh release/)).to.deep.equal({ GH_TOKEN: "${{ github.token }}", TAG: "${{ github.ref_name }}" });
        // No value of the event is pasted into a shell: every run reads it from its environment.
        for (const r of [...runs(check), ...runs(publish)]) expect(r).to.not.contain("${{");
    });

    it("run every pulumi command in program/, the program's directory (the root is the component package)", () => {
        const problems: string[] = [];
        let checked = 0;
        for (const { wf, jobName, step, index } of allSteps()) {
            const viaAction = step.uses !== undefined && actionOf(step.uses) === "pulumi/actions" && step.with?.command;
            const viaRun =
                /^\s*(pulumi (stack|up|preview|destroy|config|refresh)\b|bash \S*scripts\/ci\/(destroy-if-created|require-stack)\.sh)/m.test(
                    step.run ?? "",
                );
            if (!viaAction && !viaRun) continue;
            checked++;
            const dir = viaAction ? step.with?.["work-dir"] : step["working-directory"];
            if (dir !== "program") problems.push(`${where(wf, jobName, step, index)}: runs in ${dir ?? "the root"}`);
        }
        expect(problems).to.deep.equal([]);
        expect(checked).to.be.at.least(10);
        expect(fs.existsSync(path.join(ROOT, "program", "Pulumi.yaml"))).to.equal(true);
        expect(fs.existsSync(path.join(ROOT, "Pulumi.yaml")), "the root: the package alone").to.equal(false);
    });
});
