// The A64 core (src/engine/aarch64/core) on bare-metal programs (tests/asm-a64/*.S), assembled
// with the Debian cross toolchain. Each program is self-checking and also runs under qemu-aarch64
// in Linux user mode, so its expected values are those of another implementation, not only ours.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { buildA64, runA64, runQemuUser } from "./helpers/a64.js";

const PROGRAMS = ["smoke.S", "dp.S", "branch.S", "ldst.S", "exclusive.S"];
// Programs only bare metal can run (EL1 state, exceptions, the machine's devices).
const BARE_ONLY = [["exceptions.S", "vectors.S"], ["mmu.S", "vectors.S"], ["gic.S", "vectors.S"], ["mmio64.S"]];

for (const p of PROGRAMS) {
  test(`${p}: PASS on the A64 core and under qemu-aarch64`, () => {
    const r = runA64(buildA64([p]));
    assert.equal(r.console, "PASS\n", `core: ${r.end}`);
    assert.equal(r.end, "off");
    assert.equal(runQemuUser(buildA64([p], "user")), "PASS\n", "qemu-aarch64: the program's own expectations");
  });
}

for (const p of BARE_ONLY) {
  test(`${p[0]}: PASS on the A64 core`, () => {
    const r = runA64(buildA64(p));
    assert.equal(r.console, "PASS\n", `core: ${r.end}`);
    assert.equal(r.end, "off");
  });
}

/** Address of `symbol` in the ELF beside the raw binary `bin`, as "0x..." */
function symbol(bin: string, name: string): string {
  const nm = execFileSync("aarch64-linux-gnu-nm", [`${bin}.elf`], { encoding: "utf8" });
  return `0x${new RegExp(`^0*([0-9a-f]+) T ${name}$`, "m").exec(nm)![1]}`;
}

test("a failing check is reported with its number and the value got, on both", () => {
  const r = runA64(buildA64(["fail.S"]));
  assert.equal(r.console, "FAIL 7 got 0x0000000000000002\n");
  assert.equal(r.end, "off");
  assert.equal(runQemuUser(buildA64(["fail.S"], "user")), r.console);
});

test("an unimplemented encoding raises UNDEFINED, noted with the encoding and its pc; with no vectors the vCPU stops (FATAL_FETCH = 1)", () => {
  const bin = buildA64(["unimplemented.S"]);
  const r = runA64(bin);
  assert.equal(r.console, "");
  // VBAR_EL1 is 0: the exception goes to 0x200 (current EL, SP_EL1), outside RAM
  assert.equal(r.end, `fatal 1: insn 0x0 at pc 0x200 (addr 0x200); last UNDEFINED: insn 0x1e622820 at pc ${symbol(bin, "unimplemented_insn")}`);
});

test("big-endian data (SCTLR_EL1.EE) stops the vCPU at the MSR (FATAL_UNSUPPORTED = 4)", () => {
  const bin = buildA64(["big-endian.S"]);
  const at = symbol(bin, "big_endian_insn");
  assert.equal(runA64(bin).end, `fatal 4: insn 0xd5181001 at pc ${at} (addr ${at})`);
});
