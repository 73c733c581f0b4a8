// Shared assertions for the bare-metal instruction/privileged test programs in tests/asm.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { boot, buildAsm, type BootOptions, type BootResult } from "./guest.js";
import { JIT_MODES, type JitMode } from "../../src/engine/riscv64/jit/jit-mode.js";

export type RunOptions = Omit<BootOptions, "kernel"> & {
  /** Engine modes to run the program under (default: all). */
  modes?: readonly JitMode[];
};

function describe(r: BootResult): string {
  return `outcome ${JSON.stringify(r.outcome)} after ${Math.round(r.ms)} ms\n--- console ---\n${r.console}` +
    `\n--- logs ---\n${r.logs.join("\n")}`;
}

/** Run `run` with these environment variables set (vCPU threads read them when they start), then put them back. */
export async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Run `run` with the engine in `mode`: "off" interprets everything, "on" is the default JIT,
 * "eager" compiles every block before its first execution (and waits for it, so that every
 * instruction the program runs goes through compiled code where the JIT can compile it).
 */
export function withJitMode<T>(mode: JitMode, run: () => Promise<T>): Promise<T> {
  return withEnv({ TSVISOR_JIT: mode, ...(mode === "eager" ? { TSVISOR_JIT_SYNC: "1" } : {}) }, run);
}

/**
 * Boot tests/asm/<file> and require "PASS" and a clean poweroff (SRST reason 0), under every
 * engine mode (as libriscv runs one unit suite under each of its engines): a JIT bug cannot hide
 * behind the interpreter, nor the other way round. Returns the result of the default mode.
 */
export async function expectPass(file: string | string[], opts: RunOptions = {}): Promise<BootResult> {
  const { modes = JIT_MODES, ...bootOpts } = opts;
  const kernel = buildAsm(Array.isArray(file) ? file : [file]);
  let main: BootResult | undefined;
  for (const mode of modes) {
    const r = await withJitMode(mode, () => boot({ kernel, timeoutMs: 15000, ...bootOpts }));
    const what = () => `[TSVISOR_JIT=${mode}] ${describe(r)}`;
    assert.deepEqual(r.outcome, { state: "poweroff" }, what());
    assert.match(r.console, /PASS\n/, what());
    assert.doesNotMatch(r.console, /FAIL/, what());
    if (mode === "on" || main === undefined) main = r;
  }
  return main!;
}

/** Address of `symbol` in the ELF that buildAsm left next to `bin`. */
export function symbolAddr(bin: string, symbol: string): bigint {
  const out = execFileSync("riscv64-linux-gnu-nm", [`${bin}.elf`], { encoding: "utf8" });
  for (const line of out.split("\n")) {
    const [addr, , name] = line.trim().split(/\s+/);
    if (name === symbol) return BigInt(`0x${addr}`);
  }
  throw new Error(`symbol ${symbol} not found in ${bin}.elf`);
}

export { describe };
