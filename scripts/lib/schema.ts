// Validates rendered objects against the Kubernetes OpenAPI schema (kubernetes-models 4.5,
// generated from Kubernetes 1.33), so a render the API server would reject fails here first.
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";

export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [k: string]: unknown };
    [k: string]: unknown;
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
    "v1/Pod": Pod,
    "v1/ConfigMap": ConfigMap,
    "v1/Secret": Secret,
    "v1/Service": Service,
    "apps/v1/Deployment": Deployment,
    "apps/v1/StatefulSet": StatefulSet,
    "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
    "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

export class SchemaError extends Error {}

/** Throws a {@link SchemaError} naming the object and the schema path of the first violation. */
export function validateAgainstSchema(obj: KubeObject): void {
    const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
    const what = `${obj.kind} "${obj.metadata?.name}"`;
    if (!Model) throw new SchemaError(`${what}: no schema known for ${obj.apiVersion}/${obj.kind}`);
    try {
        new Model(obj).validate();
    } catch (e: any) {
        const first = e?.errors?.[0];
        const detail = first ? `${first.instancePath || "/"} ${first.message}` : String(e?.message ?? e);
        throw new SchemaError(`${what} does not validate against the Kubernetes schema: ${detail}`);
    }
}
