// Giving up the host CPU for a moment, through the C library (koffi).
import { libc } from "./libc.js";

let yieldFn: (() => number) | undefined;

/** sched_yield(2): let another runnable thread on this CPU go first (returns at once if there is none). */
export function schedYield(): void {
  yieldFn ??= libc().func("int sched_yield(void)") as () => number;
  yieldFn();
}
