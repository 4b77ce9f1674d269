// Validation at the edges Stryker's survivors in components/validate/ showed untested (docs/testing.md,
// "Stryker"): each case the exact refusal, or what is kept when nothing is refused.
import { expect } from "chai";
import { validateArgs, WebserverPodArgError, WebserverPodArgs } from "../../components";

/** The refusal of `args` for component `name`: its argument and message. */
function refusal(args: WebserverPodArgs, name = "web"): { arg: string; message: string } {
    try {
        validateArgs(name, args as never);
    } catch (e) {
        expect(e).to.be.instanceOf(WebserverPodArgError);
        const err = e as WebserverPodArgError;
        return { arg: err.arg, message: err.message };
    }
    throw new Error(`${JSON.stringify(args)} was accepted`);
}

describe("validation at its edges (from Stryker's survivors)", () => {
    it("labels that are not a map are refused as such", () => {
        const r = refusal({ labels: "team-a" as never });
        expect(r.arg).to.equal("labels");
        expect(r.message).to.contain('invalid args.labels "team-a": must be a map of strings');
    });

    it("a probe path that is not absolute, or holds a space, is refused with the form it takes", () => {
        for (const path of ["healthz", "/health z"]) {
            const r = refusal({ probes: { readiness: { path } } });
            expect(r.arg, path).to.equal("probes.readiness.path");
            expect(r.message, path).to.contain("must be an absolute URL path without spaces, such as /healthz");
        }
    });

    it("a probe's timings are kept as given", () => {
        const v = validateArgs("web", {
            probes: { readiness: { periodSeconds: 7, timeoutSeconds: 3, failureThreshold: 4, initialDelaySeconds: 2 } },
        });
        expect(v.probes?.readiness).to.deep.include({
            periodSeconds: 7,
            timeoutSeconds: 3,
            failureThreshold: 4,
            initialDelaySeconds: 2,
        });
    });

    it("a request equal to its limit is accepted (only one above it is refused)", () => {
        const v = validateArgs("web", {
            resources: {
                nginx: { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "250m", memory: "64Mi" } },
            },
        });
        expect(v.resources.nginx?.requests).to.deep.include({ cpu: "250m", memory: "64Mi" });
        const r = refusal({ resources: { nginx: { requests: { cpu: "251m" }, limits: { cpu: "250m" } } } });
        expect(r.arg).to.equal("resources.nginx.requests.cpu");
    });

    it("a log volume below the least size is refused with why", () => {
        const r = refusal({ logVolume: { sizeLimit: "1Ki" } });
        expect(r.arg).to.equal("logVolume.sizeLimit");
        expect(r.message).to.match(/must be at least \S+: the kubelet evicts the Pod once its logs exceed the limit/);
    });

    it("a Memory log volume without a sizeLimit, beside a memory limit, is refused: its unbounded size would exceed it", () => {
        const r = refusal({
            logVolume: { medium: "Memory" as never },
            resources: { nginx: { limits: { memory: "128Mi" } } },
        });
        expect(r.arg).to.equal("logVolume.medium");
        expect(r.message).to.contain(
            "a Memory volume counts against nginx-container's memory limit (128Mi), which its unbounded size would exceed",
        );
    });

    it("a component name that cannot name the Service is refused as the component's name, not as an arg given", () => {
        const r = refusal({ service: true }, "1web");
        expect(r.arg).to.equal("podName (the component's name)");
        expect(r.message).to.contain("names the Service too, so it must start with a letter (a DNS-1035 label)");
        expect(refusal({ service: true, podName: "2web" }).arg).to.equal("podName");
    });
});
