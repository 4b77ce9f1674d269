import { ResolvedWebserverPodArgs } from "./args";

/**
 * What `production: true` turns on. Options given explicitly win over these. Each value
 * answers a linter finding on the seed (README's policy table names them).
 */
export const PRODUCTION_PRESET = {
    // Pinned tags instead of :latest (pin a digest, name@sha256:..., for full immutability).
    nginxImage: "nginx:1.28",
    sidecarImage: "ubuntu:24.04",
    imagePullPolicy: "Always",
    security: "restricted",
    resources: {
        nginx: {
            requests: { cpu: "100m", memory: "64Mi", ephemeralStorage: "64Mi" },
            // The Pod's ephemeral-storage limit is the sum of its containers'; the emptyDirs count
            // against it, so it must exceed logVolume.sizeLimit plus nginx's /tmp.
            limits: { cpu: "500m", memory: "128Mi", ephemeralStorage: "512Mi" },
        },
        sidecar: {
            requests: { cpu: "10m", memory: "16Mi", ephemeralStorage: "16Mi" },
            limits: { cpu: "100m", memory: "64Mi", ephemeralStorage: "128Mi" },
        },
    },
    // nginx readiness + liveness; the sidecar serves nothing, so liveness only.
    probes: { sidecarLiveness: {} },
    logVolume: { sizeLimit: "256Mi" },
    // Ship each line once, and keep the last 24 hours in the volume, well inside its sizeLimit.
    shipper: "stream",
    retention: { maxAge: "24h", maxSize: "200Mi" },
} as const satisfies ResolvedWebserverPodArgs;
