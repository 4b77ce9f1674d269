// nginxImage, sidecarImage and imagePullPolicy.
import { ImagePullPolicy, ResolvedWebserverPodArgs } from "../args";
import { SEED } from "../defaults";
import { ValidatedArgs } from "../model";
import { Checker } from "./checker";

export function checkImages(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
): Pick<ValidatedArgs, "nginxImage" | "sidecarImage" | "imagePullPolicy"> {
    const nginxImage = c.image("nginxImage", raw.nginxImage ?? SEED.nginxImage) ?? SEED.nginxImage;
    const sidecarImage = c.image("sidecarImage", raw.sidecarImage ?? SEED.sidecarImage) ?? SEED.sidecarImage;
    const imagePullPolicy =
        raw.imagePullPolicy === undefined
            ? undefined
            : c.oneOf("imagePullPolicy", raw.imagePullPolicy, ImagePullPolicy);
    return { nginxImage, sidecarImage, ...(imagePullPolicy !== undefined && { imagePullPolicy }) };
}
