// Pulumi mocks shared by every unit test: must be imported before any module that creates
// resources. It records each registration and gives Pods a status, as the API server would.
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
    type: string;
    name: string;
    inputs: any;
    custom: boolean;
    /** Provider reference (`<provider urn>::<id>`) the engine was asked to use, if any. */
    provider?: string;
}

/** Every resource registered since the process started, in order. */
export const registrations: Registration[] = [];

/** What the mocked cluster reports for a Pod; tests change it to simulate readiness. */
export const podStatus = {
    podIP: "10.244.0.7",
    phase: "Running",
    ready: [true, true] as boolean[],
};

/** Ready replicas the mocked cluster reports for a Deployment (undefined: all of them). */
export const deploymentReady: { count?: number } = {};

export const MOCK_STACK = "dev";
export const MOCK_PROJECT = "webserver-sidecar";

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: any } {
            registrations.push({
                type: args.type,
                name: args.name,
                inputs: args.inputs,
                custom: args.custom ?? false,
                provider: args.provider,
            });
            // What the API server would add: a Deployment's rollout status, a Service's cluster IP.
            if (args.type === "kubernetes:apps/v1:Deployment") {
                const replicas = args.inputs.spec?.replicas ?? 1;
                return {
                    id: `${args.name}-id`,
                    state: { ...args.inputs, status: { replicas, readyReplicas: deploymentReady.count ?? replicas } },
                };
            }
            if (args.type === "kubernetes:core/v1:Service") {
                return {
                    id: `${args.name}-id`,
                    state: { ...args.inputs, spec: { ...args.inputs.spec, clusterIP: "10.96.0.42" } },
                };
            }
            if (args.type !== "kubernetes:core/v1:Pod") {
                return { id: `${args.name}-id`, state: args.inputs };
            }
            const containers: Array<{ name: string }> = args.inputs.spec?.containers ?? [];
            const sidecars: Array<{ name: string }> = (args.inputs.spec?.initContainers ?? []).filter(
                (c: any) => c.restartPolicy === "Always",
            );
            return {
                id: `${args.inputs.metadata?.namespace ?? "default"}/${args.inputs.metadata?.name}`,
                state: {
                    ...args.inputs,
                    metadata: { namespace: "default", ...args.inputs.metadata },
                    status: {
                        phase: podStatus.phase,
                        podIP: podStatus.podIP,
                        containerStatuses: containers.map((c, i) => ({
                            name: c.name,
                            ready: podStatus.ready[i] ?? false,
                        })),
                        initContainerStatuses: sidecars.map((c, i) => ({
                            name: c.name,
                            ready: podStatus.ready[containers.length + i] ?? false,
                        })),
                    },
                },
            };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            return args.inputs;
        },
    },
    MOCK_PROJECT,
    MOCK_STACK,
    false,
);

/** Resolves an Output's value (the mocks resolve everything, known or not). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Registrations whose Pulumi name is `name`. */
export function registered(name: string): Registration[] {
    return registrations.filter((r) => r.name === name);
}

/**
 * Waits until the runtime's queue of pending RPCs (registrations among them) has drained: what
 * `pulumi.runtime.disconnect()` waits for before a program ends, so "nothing registered" after it
 * means nothing ever will be.
 */
export async function settle(): Promise<void> {
    // Exported by @pulumi/pulumi's runtime (settings.ts) though marked internal: the drain the
    // runtime itself awaits at the end of a program.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
