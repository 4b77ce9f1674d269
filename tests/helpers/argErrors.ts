import { expect } from "chai";
import { WebserverPod, WebserverPodArgError, WebserverPodArgs } from "../../components";
import { NOT_SHOWN } from "../../components/validate/checker";

/** Asserts that constructing a WebserverPod with `args` throws the documented error for `arg` and `value`. */
export function expectArgError(
    component: string,
    args: WebserverPodArgs,
    arg: string,
    value: unknown,
    rule: string,
): WebserverPodArgError {
    let err: unknown;
    try {
        new WebserverPod(component, args);
    } catch (e) {
        err = e;
    }
    expect(err, "constructor throws").to.be.instanceOf(WebserverPodArgError);
    const e = err as WebserverPodArgError;
    expect(e.arg).to.equal(arg);
    expect(e.value).to.deep.equal(value);
    const shown =
        value === NOT_SHOWN
            ? "(value not shown: it may be a credential)"
            : value === undefined
              ? "(unset)"
              : JSON.stringify(value);
    expect(e.message).to.contain(`WebserverPod "${component}": invalid args.${arg} ${shown}`);
    expect(e.message).to.contain(rule);
    return e;
}
