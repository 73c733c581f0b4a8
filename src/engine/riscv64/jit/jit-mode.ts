// The engine mode, from TSVISOR_JIT: how soon a vCPU compiles the code it runs. Every mode must
// run every guest the same way (the asm suite runs under each), so a JIT bug cannot hide behind
// the interpreter and the other way round.
import { JIT_THRESHOLD } from "../layout.js";

export const JIT_MODES = ["on", "off", "eager"] as const;
export type JitMode = (typeof JIT_MODES)[number];

/** Executions of a block before it is compiled: 0 never (off), 1 at the first (eager). */
export const JIT_MODE_THRESHOLD: Record<JitMode, number> = { on: JIT_THRESHOLD, off: 0, eager: 1 };

/** The mode TSVISOR_JIT asks for ("on" when unset); throws a one-line message for anything else. */
export function jitModeFromEnv(env: NodeJS.ProcessEnv = process.env): JitMode {
  const v = env.TSVISOR_JIT ?? "on";
  if ((JIT_MODES as readonly string[]).includes(v)) return v as JitMode;
  throw new Error(`TSVISOR_JIT: "${v}" is not an engine mode: use ${JIT_MODES.join(", ")}`);
}

/**
 * TSVISOR_JIT_MAX_BLOCKS (tests): hold fewer compiled blocks than the default MAX_BLOCKS, so a
 * small guest exercises what a long-running zone does when the function table is full.
 */
export function jitTableLimitFromEnv(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const v = env.TSVISOR_JIT_MAX_BLOCKS;
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 64 || n > fallback) {
    throw new Error(`TSVISOR_JIT_MAX_BLOCKS: "${v}" is not a whole number from 64 to ${fallback}`);
  }
  return n;
}
