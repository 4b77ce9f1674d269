// Posts the `pulumi preview` of a pull request as one comment, updated in place on every push.
// Run by actions/github-script in .github/workflows/preview.yml (only for pull requests from this
// repository: a fork's token cannot comment), with the preview's output and the state backend's
// note in the environment. tests/unit/ci-scripts.test.ts runs it against a fake GitHub client.

/** Marks the comment this script owns, so a new push edits it instead of adding another. */
const MARKER = "<!-- webserver-sidecar:pulumi-preview -->";
/** GitHub rejects comments over 65 536 characters; keep room for the heading and note. */
const MAX_OUTPUT = 60_000;

/**
 * What a reviewer must know when an object is replaced (deleted and created anew) rather than
 * updated in place, by its Kubernetes kind. A Pod's spec cannot be updated by the API server, so
 * almost every option change replaces the Pod workload (docs/deployment.md, "Changing options").
 */
const REPLACEMENT_CONSEQUENCES = {
    Pod:
        "the running Pod is deleted (before its replacement is created, when it keeps its name), so it serves " +
        "nothing until the new one is ready, and log lines its sidecar has not shipped yet go with its " +
        "`shared-logs` emptyDir",
    StatefulSet: "deleted and created anew: its pods restart; their PersistentVolumeClaims (the stored logs) stay",
    Deployment: "deleted and created anew: all its pods go at once, not one at a time as in a rollout",
    Service: "deleted and created anew: its cluster IP changes",
    PersistentVolumeClaim: "deleted and created anew: what the old claim's volume held is no longer mounted",
    // A ConfigMap's name carries its content's hash: a new one is created, the old one deleted once
    // nothing mounts it -- nothing for a reviewer to weigh.
    ConfigMap: null,
};

/**
 * The objects the preview replaces, in order, each once: `{ type, kind, name }` from the `--diff`
 * form (`+-kubernetes:core/v1:Pod: (replace)` then `[id=default/webserver]`) or the table form
 * (`+-  kubernetes:core/v1:Pod  webserver-pod  replace`, the Pulumi name only).
 */
function replacementsOf(text) {
    const found = [];
    const lines = text.split("\n");
    lines.forEach((line, i) => {
        let m = /^\s*\+-\s*(kubernetes:[\w.-]+\/\w+:(\w+)): \(replace\)\s*$/.exec(line);
        if (m) {
            const id = /^\s*\[id=([^\]]+)\]/.exec(lines[i + 1] ?? "");
            const urn = /^\s*\[urn=.*::([^:\]]+)\]/.exec(lines[i + (id ? 2 : 1)] ?? "");
            found.push({ type: m[1], kind: m[2], name: id ? id[1] : urn ? urn[1] : "" });
            return;
        }
        m = /^\s*\+-[\s│├└─]*(kubernetes:[\w.-]+\/\w+:(\w+))\s+(\S+)\s+replace\b/.exec(line);
        if (m) found.push({ type: m[1], kind: m[2], name: m[3] });
    });
    return found.filter((r, i) => found.findIndex((o) => o.type === r.type && o.name === r.name) === i);
}

/** The notice above the preview when it replaces objects; empty when it replaces nothing. */
function replacementNotice(text) {
    const replaced = replacementsOf(text).filter((r) => REPLACEMENT_CONSEQUENCES[r.kind] !== null);
    if (replaced.length === 0) return [];
    return [
        "> [!WARNING]",
        "> **This change replaces objects instead of updating them in place** (the API server cannot update",
        "> them with this change, so Pulumi deletes each and creates it anew):",
        ...replaced.map(
            (r) =>
                `> - ${r.kind} \`${r.name || r.type}\`: ${REPLACEMENT_CONSEQUENCES[r.kind] ?? "deleted and created anew"}.`,
        ),
        "",
    ];
}

/**
 * What the heading says of a preview that did not succeed: the step's outcome as GitHub reports it
 * (`steps.<id>.outcome`), so that the comment never shows an earlier push's diff as current.
 */
const OUTCOME_HEADING = {
    failure: "**failed**: the diff of an earlier push, if any, no longer applies",
    cancelled: "**was cancelled**: the diff of an earlier push, if any, no longer applies",
    skipped: "**did not run** (a step before it failed): the diff of an earlier push, if any, no longer applies",
};

/** The comment's body: heading, where the state came from, and the preview (its end if trimmed). */
function commentBody({ stack, note, output, runUrl, outcome = "success", commit = "" }) {
    // ANSI colour codes (ESC [ ... m) do not render in a comment.
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
    let text = output.replace(ansi, "").trim();
    // Read before trimming: a replacement listed early in a long preview is still announced.
    const notice = replacementNotice(text);
    let trimmed = "";
    if (text.length > MAX_OUTPUT) {
        // The summary of changes is at the end of the output: keep the end.
        text = text.slice(text.length - MAX_OUTPUT);
        trimmed = `\n_The output was trimmed to its last ${MAX_OUTPUT} characters; the full run: ${runUrl}_\n`;
    }
    return [
        MARKER,
        `#### \`pulumi preview\` of stack \`${stack}\`${commit ? ` at ${commit.slice(0, 12)}` : ""}` +
            (OUTCOME_HEADING[outcome] ? ` ${OUTCOME_HEADING[outcome]}` : ""),
        "",
        note,
        "",
        ...(OUTCOME_HEADING[outcome] ? [] : notice),
        "<details open><summary>Preview</summary>",
        "",
        "```",
        text,
        "```",
        trimmed,
        "</details>",
        "",
        `[Workflow run](${runUrl})`,
    ].join("\n");
}

/** Creates the comment, or updates the one an earlier run of this script left. */
async function postPreviewComment({ github, context, core, env = process.env }) {
    const { owner, repo } = context.repo;
    const issue_number = context.payload.pull_request.number;
    const runUrl = `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`;
    const body = commentBody({
        stack: env.STACK || "prod",
        note: env.NOTE || "",
        output: env.PREVIEW || "(the preview printed nothing)",
        runUrl,
        // The preview step's outcome (preview.yml runs this step whatever it was, unless cancelled).
        outcome: env.OUTCOME || "success",
        commit: context.payload.pull_request.head?.sha ?? "",
    });
    const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });
    const mine = comments.find((c) => typeof c.body === "string" && c.body.startsWith(MARKER));
    if (mine) {
        await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
        core.info(`updated comment ${mine.id}`);
    } else {
        const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
        core.info(`created comment ${created.data.id}`);
    }
    return body;
}

module.exports = postPreviewComment;
module.exports.commentBody = commentBody;
module.exports.replacementsOf = replacementsOf;
module.exports.MARKER = MARKER;
module.exports.MAX_OUTPUT = MAX_OUTPUT;
