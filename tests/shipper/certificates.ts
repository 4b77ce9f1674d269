// Certificates for the TLS tests, made with the openssl CLI: a CA, and server certificates it signs
// for given names (subjectAltName). EC P-256 keys: quick to make.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

function openssl(args: string[], cwd: string): void {
    const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
    if (r.error) throw new Error(`openssl is needed (apt-get install -y openssl): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

export interface Ca {
    certFile: string;
    keyFile: string;
}

/** A self-signed CA named `name` in `dir`. */
export function makeCa(dir: string, name: string): Ca {
    const keyFile = path.join(dir, `${name}.key`);
    const certFile = path.join(dir, `${name}.crt`);
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile], dir);
    openssl(["req", "-x509", "-new", "-key", keyFile, "-out", certFile, "-days", "2", "-subj", `/CN=${name}`], dir);
    return { certFile, keyFile };
}

/** A server certificate signed by `ca` for `san` (e.g. "IP:127.0.0.1,DNS:localhost"). */
export function makeServerCert(dir: string, ca: Ca, name: string, san: string): { certFile: string; keyFile: string } {
    const keyFile = path.join(dir, `${name}.key`);
    const csr = path.join(dir, `${name}.csr`);
    const certFile = path.join(dir, `${name}.crt`);
    const ext = path.join(dir, `${name}.ext`);
    fs.writeFileSync(ext, `subjectAltName=${san}\n`);
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile], dir);
    openssl(["req", "-new", "-key", keyFile, "-out", csr, "-subj", `/CN=${name}`], dir);
    openssl(
        [
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca.certFile,
            "-CAkey",
            ca.keyFile,
            "-CAcreateserial",
            "-out",
            certFile,
            "-days",
            "2",
            "-extfile",
            ext,
        ],
        dir,
    );
    return { certFile, keyFile };
}

/**
 * What the TLS tests use: a CA, another CA (the wrong one), a certificate the CA signed for
 * 127.0.0.1 and localhost, and one it signed for another name; `remove()` deletes them.
 */
export function testCertificates() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-certs-"));
    const ca = makeCa(dir, "right-ca");
    return {
        ca,
        otherCa: makeCa(dir, "other-ca"),
        server: makeServerCert(dir, ca, "localhost", "IP:127.0.0.1,DNS:localhost"),
        wrongName: makeServerCert(dir, ca, "elsewhere", "DNS:logs.example.com"),
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

/** tls.ca from a ConfigMap, as validation gives it: what the agent verifies with. */
export const CA_FROM_CONFIGMAP = {
    ca: { kind: "configMap", name: "logs-ca", key: "ca.crt" },
    insecureSkipVerify: false,
} as const;
