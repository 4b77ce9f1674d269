// `npm run build` (and `prepare`, so also `npm pack`, `npm publish` and installs from git): the
// package's dist/ from a clean start -- the compiled component and the shipper scripts it reads.
// In Node rather than shell commands, because npm runs scripts with cmd.exe on Windows, where
// `rm -rf`, `mkdir -p` and `cp` do not exist.
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
});
// components/shippers.ts reads these beside the compiled code (dist/shipper/).
const from = path.join(root, "components", "shipper");
fs.mkdirSync(path.join(dist, "shipper"), { recursive: true });
for (const f of fs.readdirSync(from).filter((n) => n.endsWith(".sh")))
    fs.copyFileSync(path.join(from, f), path.join(dist, "shipper", f));
