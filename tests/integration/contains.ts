// "The API server holds what was declared": every field of `expected` is in `actual` with the same
// value; the server's additions (defaults, status, the token volume) are allowed. Arrays match
// element by element in any order, each expected element contained in an actual one. A zero value
// declared (0, false, "") matches an absent field: the API server omits zero values of optional
// fields when it stores an object (e.g. a probe's initialDelaySeconds: 0).
export function differences(expected: unknown, actual: unknown, at = ""): string[] {
    if (Array.isArray(expected)) {
        if (!Array.isArray(actual)) return [`${at}: expected a list, found ${JSON.stringify(actual)}`];
        return expected.flatMap((e, i) =>
            actual.some((a) => differences(e, a).length === 0)
                ? []
                : [`${at}[${i}]: ${JSON.stringify(e)} is in none of ${JSON.stringify(actual)}`],
        );
    }
    if (expected !== null && typeof expected === "object") {
        if (actual === null || typeof actual !== "object")
            return [`${at}: expected an object, found ${JSON.stringify(actual)}`];
        return Object.entries(expected).flatMap(([k, v]) =>
            differences(v, (actual as Record<string, unknown>)[k], `${at}.${k}`),
        );
    }
    if (actual === undefined && (expected === 0 || expected === false || expected === "")) return [];
    return expected === actual ? [] : [`${at}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
}
