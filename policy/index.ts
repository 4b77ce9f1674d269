// The policy pack: `pulumi preview --policy-pack ./policy` (after `npm ci` here) checks every
// workload a stack declares against these rules. Starting the PolicyPack starts the policy
// server the Pulumi engine talks to, so this file only wires; the rules are in rules.ts.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES, STACK_POLICIES } from "./policies";

new PolicyPack("webserver-sidecar", {
    enforcementLevel: "advisory",
    policies: [...POLICIES, ...STACK_POLICIES],
});
