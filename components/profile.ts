// What each security profile changes, decided here once. The shape (shape.ts) reads it to know
// which objects exist (nginx's ConfigMap), the manifest builder to write the Pod.
import { SecurityProfile } from "./args";
import { NGINX } from "./defaults";

export interface SecurityContext {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    fsGroup?: number;
    seccompProfile?: { type: string };
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
}

export interface ProfileSettings {
    readonly profile: SecurityProfile;
    /** The port nginx listens on. */
    readonly nginxPort: number;
    /**
     * nginx runs with the component's nginx.conf, from a ConfigMap the component owns, and a
     * writable /tmp emptyDir (a read-only root filesystem and no root to bind port 80).
     */
    readonly managedNginxConfig: boolean;
    /** Pod-level fields: securityContext and whether the service account token is mounted. */
    readonly pod: { securityContext?: SecurityContext; automountServiceAccountToken?: boolean };
    /** Each container's securityContext. */
    readonly container?: SecurityContext;
    /** The sidecar reads the logs through a read-only mount (unless retention must free space in them). */
    readonly readOnlyLogReader: boolean;
    /**
     * The log agent's securityContext (the sidecar with a destination): restricted in every profile,
     * since it holds the destination's credentials and talks to the network. Under baseline the
     * pod sets no user, so the agent's is given here (nginx's non-root uid, which the restricted
     * pod sets for both).
     */
    readonly agentContainer: SecurityContext;
}

/** Pod Security Standards "restricted", for one container: what the restricted profile gives each. */
const RESTRICTED_CONTAINER: SecurityContext = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

const PROFILES: Record<SecurityProfile, ProfileSettings> = {
    // The seed: nothing is written; nginx runs as the image's root master on port 80.
    baseline: {
        profile: "baseline",
        nginxPort: NGINX.port,
        managedNginxConfig: false,
        pod: {},
        readOnlyLogReader: false,
        agentContainer: { ...RESTRICTED_CONTAINER, runAsUser: NGINX.nonRootUid, runAsGroup: NGINX.nonRootUid },
    },
    // Pod Security Standards "restricted": non-root, RuntimeDefault seccomp, no token, no escalation,
    // no capabilities, read-only root filesystems.
    restricted: {
        profile: "restricted",
        nginxPort: NGINX.restrictedPort,
        managedNginxConfig: true,
        pod: {
            automountServiceAccountToken: false,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: NGINX.nonRootUid,
                runAsGroup: NGINX.nonRootUid,
                fsGroup: NGINX.nonRootUid,
                seccompProfile: { type: "RuntimeDefault" },
            },
        },
        container: RESTRICTED_CONTAINER,
        readOnlyLogReader: true,
        agentContainer: RESTRICTED_CONTAINER,
    },
};

/** The settings of a (valid) profile. */
export function profileSettings(profile: SecurityProfile): ProfileSettings {
    return PROFILES[profile];
}
