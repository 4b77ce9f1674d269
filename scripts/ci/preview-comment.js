// Posts the `pulumi preview` of a pull request as one comment, updated in place on every push.
// Run by actions/github-script in .github/workflows/preview.yml (only for pull requests from this
// repository: a fork's token cannot comment), with the preview's output and the state backend's
// note in the environment. tests/unit/ci-scripts.test.ts runs it against a fake GitHub client.

/** Marks the comment this script owns, so a new push edits it instead of adding another. */
const MARKER = "<!-- webserver-sidecar:pulumi-preview -->";
/** GitHub rejects comments over 65 536 characters; keep room for the heading and note. */
const MAX_OUTPUT = 60_000;

/** The comment's body: heading, where the state came from, and the preview (its end if trimmed). */
function commentBody({ stack, note, output, runUrl }) {
    // ANSI colour codes (ESC [ ... m) do not render in a comment.
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
    let text = output.replace(ansi, "").trim();
    let trimmed = "";
    if (text.length > MAX_OUTPUT) {
        // The summary of changes is at the end of the output: keep the end.
        text = text.slice(text.length - MAX_OUTPUT);
        trimmed = `\n_The output was trimmed to its last ${MAX_OUTPUT} characters; the full run: ${runUrl}_\n`;
    }
    return [
        MARKER,
        `#### \`pulumi preview\` of stack \`${stack}\``,
        "",
        note,
        "",
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
        stack: env.STACK || "dev",
        note: env.NOTE || "",
        output: env.PREVIEW || "(the preview printed nothing)",
        runUrl,
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
module.exports.MARKER = MARKER;
module.exports.MAX_OUTPUT = MAX_OUTPUT;
