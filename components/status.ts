/** The parts of a Pod's status that the outputs read. */
export interface PodStatusLike {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{ name?: string; ready?: boolean }>;
    initContainerStatuses?: Array<{ name?: string; ready?: boolean }>;
}

/** The parts of a Pod's spec that count towards READY: containers and native sidecars. */
export interface PodSpecLike {
    containers: Array<{ name: string }>;
    initContainers?: Array<{ name: string; restartPolicy?: string }>;
}

/**
 * The READY column of `kubectl get pod`: ready containers / containers, where native sidecars
 * (init containers with `restartPolicy: Always`) count as containers, as kubectl counts them.
 * The total comes from the spec, so a container without a status yet counts as not ready.
 */
export function readyContainers(spec: PodSpecLike, status: PodStatusLike | undefined): string {
    const sidecars = new Set(
        (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name),
    );
    const names = new Set([...spec.containers.map((c) => c.name), ...sidecars]);
    const statuses = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])];
    const ready = statuses.filter((c) => c.ready === true && c.name !== undefined && names.has(c.name)).length;
    return `${ready}/${names.size}`;
}
