// The integration suite's "the API server holds what was declared" comparison must be able to fail.
import { expect } from "chai";
import { differences } from "../integration/contains";

describe("integration helper: differences(declared, stored)", () => {
    const declared = { spec: { containers: [{ name: "a", image: "nginx:1.28", probe: { initialDelaySeconds: 0 } }] } };

    it("accepts what the server adds and the zero values it omits", () => {
        const stored = {
            spec: {
                containers: [
                    { name: "x" },
                    { name: "a", image: "nginx:1.28", probe: {}, imagePullPolicy: "IfNotPresent" },
                ],
            },
            status: { phase: "Running" },
        };
        expect(differences(declared, stored)).to.deep.equal([]);
    });

    it("names a changed value and a missing element", () => {
        const changed = { spec: { containers: [{ name: "a", image: "nginx:latest", probe: {} }] } };
        expect(differences(declared, changed)).to.have.length(1);
        expect(differences(declared, { spec: { containers: [] } })[0]).to.match(
            /^\.spec\.containers\[0\]: .* is in none of/,
        );
        expect(differences({ a: 1 }, { a: 2 })).to.deep.equal([".a: expected 1, found 2"]);
        expect(differences({ a: 0 }, { a: 2 })).to.deep.equal([".a: expected 0, found 2"]);
    });
});
