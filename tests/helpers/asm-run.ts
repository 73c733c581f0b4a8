// Shared assertions for the bare-metal instruction/privileged test programs in tests/asm.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { boot, buildAsm, type BootOptions, type BootResult } from "./guest.js";

export type RunOptions = Omit<BootOptions, "kernel">;

function describe(r: BootResult): string {
  return `outcome ${JSON.stringify(r.outcome)} after ${Math.round(r.ms)} ms\n--- console ---\n${r.console}` +
    `\n--- logs ---\n${r.logs.join("\n")}`;
}

/** Boot tests/asm/<file> and require "PASS" and a clean poweroff (SRST reason 0). */
export async function expectPass(file: string | string[], opts: RunOptions = {}): Promise<BootResult> {
  const r = await boot({ kernel: buildAsm(Array.isArray(file) ? file : [file]), timeoutMs: 15000, ...opts });
  assert.deepEqual(r.outcome, { state: "poweroff" }, describe(r));
  assert.match(r.console, /PASS\n/, describe(r));
  assert.doesNotMatch(r.console, /FAIL/, describe(r));
  return r;
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
