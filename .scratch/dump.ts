import * as fs from "fs";
import { parse } from "yaml";
import { podForPodman } from "../tests/integration/serverView";
import { toYaml } from "../scripts/lib/render";
const stored = parse(fs.readFileSync("/tmp/stored.yaml", "utf8"));
const { pod } = podForPodman(stored, (r, k) => ({ requested: r, used: k === "nginx" ? "localhost/webserver-standin-nginx:bookworm-fc02fc9ef0" : "localhost/webserver-standin-ubuntu:bookworm-fc02fc9ef0", how: "x" }));
fs.writeFileSync("/tmp/pod.yaml", toYaml([pod]));
