// `npm run mutate:policy`: Stryker over policy/rules.ts alone, against the unit suites that reach
// the rules (they import policy/ or render through it). RULES is one module-level table, so each of
// its mutants is "static" and runs every test it is given: with the whole unit suite that took
// about an hour on 2 cores; with these files, minutes per mutant group. A test outside them cannot
// kill a rules mutant, so the score is the same or lower, never flattered. Its own report
// (reports/stryker-policy.json, committed), so `npm run mutate` and this run never overwrite each
// other's. Everything else: stryker.config.json.
import { readFileSync } from "node:fs";

const base = JSON.parse(readFileSync("stryker.config.json", "utf8")); // npm runs it from the project root

export default {
  ...base,
  mutate: ["policy/rules.ts"],
  mochaOptions: { config: ".mocharc.stryker-policy.json" },
  incrementalFile: "reports/stryker-policy.json",
  htmlReporter: { fileName: "reports/mutation/policy.html" },
};
