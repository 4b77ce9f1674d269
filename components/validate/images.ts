// nginxImage, sidecarImage and imagePullPolicy.
import { ImagePullPolicy, ResolvedWebserverPodArgs, Shipper, SyslogProtocol } from "../args";
import { AGENT, IMAGES, SEED } from "../defaults";
import { ValidatedArgs } from "../model";
import { Checker } from "./checker";

export function checkImages(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
    destination: ValidatedArgs["destination"],
): Pick<ValidatedArgs, "nginxImage" | "sidecarImage" | "imagePullPolicy"> {
    const nginxImage = c.image("nginxImage", raw.nginxImage ?? SEED.nginxImage) ?? SEED.nginxImage;
    // With a destination the sidecar runs the log agent: its image, unless the user chose one (the
    // production preset names none then); RELP with TLS needs a later rsyslog than the pin. The
    // stream shipper gets the pinned ubuntu whose GNU coreutils it was tested with, not the seed's
    // moving ubuntu:latest (uutils since 26.04).
    const sidecarDefault =
        raw.destination !== undefined
            ? destination?.kind === "syslog" && destination.protocol === SyslogProtocol.Relp && destination.tls
                ? IMAGES.rsyslogRelpTls
                : AGENT.image
            : raw.shipper === Shipper.Stream
              ? IMAGES.ubuntu
              : SEED.sidecarImage;
    const sidecarImage = c.image("sidecarImage", raw.sidecarImage ?? sidecarDefault) ?? sidecarDefault;
    const imagePullPolicy =
        raw.imagePullPolicy === undefined
            ? undefined
            : c.oneOf("imagePullPolicy", raw.imagePullPolicy, ImagePullPolicy);
    return { nginxImage, sidecarImage, ...(imagePullPolicy !== undefined && { imagePullPolicy }) };
}
