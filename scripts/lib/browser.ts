// A real browser for the tests that open a link as a developer would: headless Chromium (Debian's
// `chromium`, or the Chrome GitHub's runners carry), which runs the page's scripts -- VictoriaLogs'
// web UI fetches its query's results from them -- before the page is read.
import { spawnSync } from "child_process";
import { CommandError, have } from "./exec";

/** The browsers it tries, in order. */
const BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The first browser on PATH; a missing one fails with how to get it (never a skip). */
export function browser(): string {
    const found = BROWSERS.find(have);
    if (!found)
        throw new CommandError(
            `no Chromium or Chrome on PATH (tried ${BROWSERS.join(", ")}): apt-get install chromium (.ci/run installs it)`,
        );
    return found;
}

/**
 * Headless, with the time its scripts may take on the page before it is read: a virtual-time
 * budget (the browser's own clock, run ahead while the page is idle), so a slow machine waits for
 * the page's fetches rather than a wall-clock guess. As root (the suites' user) only without the sandbox.
 */
function args(extra: string[], url: string): string[] {
    return [
        "--headless",
        "--disable-gpu",
        ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
        "--window-size=1400,1000",
        "--virtual-time-budget=20000",
        ...extra,
        url,
    ];
}

/** The page at `url` after its scripts ran, as its visible text (tags dropped, whitespace collapsed). */
export function pageText(url: string): string {
    const r = spawnSync(browser(), args(["--dump-dom"], url), { encoding: "utf8", timeout: 180_000 });
    if (r.status !== 0) throw new Error(`${browser()} --dump-dom ${url}: exit ${r.status}: ${r.stderr.slice(-500)}`);
    return r.stdout
        .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ")
        .replace(/<[^>]+>/g, " ")
        .replace(/&nbsp;/g, " ")
        .replace(/&amp;/g, "&")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/\s+/g, " ")
        .trim();
}

/** A screenshot of the page at `url`, as the browser shows it, written to `file` (PNG). */
export function screenshot(url: string, file: string): void {
    const r = spawnSync(browser(), args([`--screenshot=${file}`], url), { encoding: "utf8", timeout: 180_000 });
    if (r.status !== 0) throw new Error(`${browser()} --screenshot ${url}: exit ${r.status}: ${r.stderr.slice(-500)}`);
}
