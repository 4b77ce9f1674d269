// The one way a value enters the log agent's rsyslog config: as a double-quoted string constant,
// with the two characters that end or escape one escaped. Validation keeps what it can to a grammar
// (names, DNS hosts, ports); this is what makes the rest (a URL's path and query) inert: it can end
// no string and start no parameter.
//
// What rsyslog reads, tried with rsyslogd -N1 on 8.2302 (Debian 12) and 8.2608 (Debian testing):
// in a parameter's string `\\` and `\"` are escapes and `$` is itself; `\$` is refused ("invalid
// escape sequence"), and so is `\xhh` on 8.2302. Control characters are never written: validation
// refuses them in every argument (a URL loses tabs and newlines to its parser), so meeting one here
// is a bug, thrown.

/** `value` as a double-quoted RainerScript string constant. */
export function rsString(value: string): string {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value))
        throw new Error(`a control character in ${JSON.stringify(value)} cannot be written into the agent's config`);
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A list parameter's value (`["a", "b"]`), each element a string constant. */
export const rsList = (values: readonly string[]): string => `[${values.map(rsString).join(", ")}]`;
