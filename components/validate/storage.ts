// logVolume: the shared-logs emptyDir's size limit and medium.
import { ResolvedWebserverPodArgs, StorageMedium } from "../args";
import { LOG_VOLUME_MIN_BYTES } from "../defaults";
import { formatBytes, quantityValue } from "../grammar";
import { ValidatedArgs } from "../model";
import { Checker } from "./checker";

export function checkLogVolume(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
    resources: ValidatedArgs["resources"],
): Pick<ValidatedArgs, "logVolume"> {
    if (raw.logVolume === undefined) return {};
    const v = c.object("logVolume", raw.logVolume, ["sizeLimit", "medium"]);
    if (!v) return {};
    let sizeLimit = v.sizeLimit === undefined ? undefined : c.quantity("logVolume.sizeLimit", v.sizeLimit, true);
    if (sizeLimit !== undefined && quantityValue(sizeLimit) < LOG_VOLUME_MIN_BYTES) {
        c.fail(
            "logVolume.sizeLimit",
            sizeLimit,
            `must be at least ${formatBytes(LOG_VOLUME_MIN_BYTES)}: the kubelet evicts the Pod once its logs exceed ` +
                "the limit, and below that size retention (which keeps them under it) cannot hold both logs' newest lines",
        );
        sizeLimit = undefined;
    }
    const medium = v.medium === undefined ? undefined : c.oneOf("logVolume.medium", v.medium, StorageMedium);
    // A tmpfs's pages count against the memory limit of the container that writes them: nginx.
    const memoryLimit = resources.nginx?.limits?.memory;
    if (medium === StorageMedium.Memory && memoryLimit !== undefined) {
        if (sizeLimit === undefined || quantityValue(sizeLimit) >= quantityValue(memoryLimit)) {
            c.fail(
                "logVolume.medium",
                medium,
                `a Memory volume counts against nginx-container's memory limit (${memoryLimit}), which ` +
                    (sizeLimit === undefined
                        ? "its unbounded size would exceed"
                        : `is not above logVolume.sizeLimit (${sizeLimit})`) +
                    ": nginx would be OOM-killed before the volume's bound holds; raise " +
                    "resources.nginx.limits.memory above a logVolume.sizeLimit, or keep the volume on disk",
            );
        }
    }
    return {
        logVolume: {
            ...(sizeLimit !== undefined && { sizeLimit }),
            ...(medium !== undefined && { medium }),
        },
    };
}
