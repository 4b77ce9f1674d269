// securityContext and friends for each profile. "baseline" is the seed: nothing is written.
import { SecurityProfile } from "./args";

/** The uid/gid of the official nginx image's `nginx` user; the sidecar runs as it too, to read the logs. */
export const NONROOT_UID = 101;

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

/** Pod-level settings of a profile (PSS "restricted": non-root, RuntimeDefault seccomp, no token). */
export function podSecurity(profile: SecurityProfile): {
    securityContext?: SecurityContext;
    automountServiceAccountToken?: boolean;
} {
    if (profile === SecurityProfile.Baseline) return {};
    return {
        automountServiceAccountToken: false,
        securityContext: {
            runAsNonRoot: true,
            runAsUser: NONROOT_UID,
            runAsGroup: NONROOT_UID,
            fsGroup: NONROOT_UID,
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}

/** Container-level settings of a profile: no escalation, no capabilities, read-only root filesystem. */
export function containerSecurity(profile: SecurityProfile): SecurityContext | undefined {
    if (profile === SecurityProfile.Baseline) return undefined;
    return {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}
