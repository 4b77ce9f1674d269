// The shape -- which objects exist -- is decided once (components/shape.ts): from the plain args
// before any Output resolves, the same as from the fully validated args, and the component declares
// exactly the objects manifest.ts' OBJECTS table gives that shape, as buildManifests renders them.
import { promiseOf, registered, settle } from "../helpers/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { validateArgs, WebserverPod, WebserverPodArgs } from "../../components";
import { OBJECTS } from "../../components/manifest";
import { shapeOfArgs } from "../../components/shape";
import { validateShape } from "../../components/validate";
import { render } from "../helpers/render";

const DEST = { syslog: { address: "logs.example.com:2514" } };
const CASES: Array<[string, WebserverPodArgs]> = [
    ["the seed", {}],
    ["production", { production: true }],
    ["production with a destination", { production: true, destination: DEST }],
    ["a Deployment of 3", { workload: "Deployment", replicas: 3 }],
    ["a Deployment of 1 without a Service", { workload: "Deployment", replicas: 1, service: false }],
    ["a Pod with a Service, restricted", { service: true, security: "restricted" }],
];

describe("the shape: which objects exist, decided once", () => {
    for (const [title, args] of CASES) {
        it(`${title}: the plain args' shape is the validated args' shape, and the component declares it`, async () => {
            const name = `shape-${title.replace(/[^a-z0-9]+/g, "-")}`.slice(0, 40).replace(/-$/, "");
            const early = validateShape(name, args);
            expect(early).to.deep.equal(shapeOfArgs(validateArgs(name, args as any)));
            // Everything but the shape's args as Outputs: the late path, validated when they resolve.
            const late: WebserverPodArgs = { ...args, labels: pulumi.output({ team: "web" }) };
            const c = new WebserverPod(name, late);
            await promiseOf(c.podName);
            await settle();
            const declared = OBJECTS.filter((o) => registered(`${name}-${o.suffix}`).length === 1).map((o) => o.key);
            expect(declared).to.deep.equal(OBJECTS.filter((o) => o.exists(early)).map((o) => o.key));
            expect(declared).to.deep.equal(Object.keys(render(args, name)));
        });
    }
});
