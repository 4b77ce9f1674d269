// Tear-down of the integration test's stack, in a module of its own so a unit test can prove it
// cleans up when `pulumi destroy` itself fails.
import * as fs from "fs";

/** The part of an Automation API stack the tear-down uses. */
export interface DestroyableStack {
    destroy(opts: { onOutput: (o: string) => void }): Promise<unknown>;
    workspace: { removeStack(name: string, opts: { force: boolean }): Promise<void> };
    name: string;
}

/**
 * Destroys the stack; if that throws, deletes what it declared another way (`deleteDirectly`),
 * then removes the stack and the temporary directories whatever happened, and rethrows.
 */
export async function tearDown(
    stack: DestroyableStack | undefined,
    dirs: string[],
    deleteDirectly: () => void,
    onOutput: (o: string) => void = (o) => process.stdout.write(o),
): Promise<void> {
    try {
        if (stack) await stack.destroy({ onOutput });
    } catch (e) {
        onOutput(`pulumi destroy failed (${(e as Error).message}); deleting the resources directly\n`);
        deleteDirectly();
        throw e;
    } finally {
        try {
            if (stack) await stack.workspace.removeStack(stack.name, { force: true });
        } finally {
            for (const d of dirs) if (d) fs.rmSync(d, { recursive: true, force: true });
        }
    }
}
