/** The parts of a Pod's status that the outputs read. */
export interface PodStatusLike {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{ name?: string; ready?: boolean }>;
}

/**
 * The READY column of `kubectl get pod`: ready containers / containers in the spec.
 * `total` comes from the spec, so a container without a status yet counts as not ready.
 */
export function readyContainers(total: number, status: PodStatusLike | undefined): string {
    const ready = (status?.containerStatuses ?? []).filter((c) => c.ready === true).length;
    return `${ready}/${total}`;
}
