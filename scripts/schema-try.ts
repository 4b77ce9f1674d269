import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { WebserverPod } from "../components";
(async () => {
  const p = new ComponentProvider({ components: [WebserverPod as any], dirname: "/work/main", name: "webserver-sidecar" });
  const s = JSON.parse(await p.getSchema());
  console.log(JSON.stringify(s, null, 1).slice(0, 5000));
})().catch(e => { console.error("ERR", e.message); process.exit(1); });
