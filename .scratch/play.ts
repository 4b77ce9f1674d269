import * as fs from "fs";
import { parse } from "yaml";
import { chooseImage } from "../scripts/lib/images";
import { playPod, downPod, requestInPod, containerName } from "../scripts/lib/pod";
import { podman } from "../scripts/lib/podman";
import { podForPodman } from "../tests/integration/serverView";
(async () => {
  const stored = parse(fs.readFileSync("/tmp/stored.yaml", "utf8"));
  const { pod, dropped, images } = podForPodman(stored, (r, k) => chooseImage(r, k, console.log));
  console.log(dropped, images);
  const info = await playPod([pod], {});
  console.log(info);
  console.log(requestInPod("webserver", "/zzz"));
  await new Promise((r) => setTimeout(r, 2000));
  console.log(podman(["logs", containerName("webserver", "sidecar-container")], { allowFail: true }).stdout.slice(-500));
  downPod([pod]);
})();
