// The A64 core (src/engine/aarch64/core) on bare-metal programs (tests/asm-a64/*.S), assembled
// with the Debian cross toolchain. Each program is self-checking and also runs under qemu-aarch64
// in Linux user mode, so its expected values are those of another implementation, not only ours.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { buildA64, runA64, runQemuUser } from "./helpers/a64.js";

const PROGRAMS = ["smoke.S", "dp.S", "branch.S", "ldst.S"];

for (const p of PROGRAMS) {
  test(`${p}: PASS on the A64 core and under qemu-aarch64`, () => {
    const r = runA64(buildA64([p]));
    assert.equal(r.console, "PASS\n", `core: ${r.end}`);
    assert.equal(r.end, "off");
    assert.equal(runQemuUser(buildA64([p], "user")), "PASS\n", "qemu-aarch64: the program's own expectations");
  });
}

test("a failing check is reported with its number and the value got, on both", () => {
  const r = runA64(buildA64(["fail.S"]));
  assert.equal(r.console, "FAIL 7 got 0x0000000000000002\n");
  assert.equal(r.end, "off");
  assert.equal(runQemuUser(buildA64(["fail.S"], "user")), r.console);
});

test("an unimplemented encoding stops the vCPU with the encoding and its pc (FATAL_UNIMPLEMENTED = 1)", () => {
  const bin = buildA64(["unimplemented.S"]);
  const nm = execFileSync("aarch64-linux-gnu-nm", [`${bin}.elf`], { encoding: "utf8" });
  const at = /^([0-9a-f]+) T unimplemented_insn$/m.exec(nm)![1]!;
  const r = runA64(bin);
  assert.equal(r.console, "");
  assert.equal(r.end, `fatal 1: insn 0x1e622820 at pc 0x${at.replace(/^0+/, "")} (addr 0x${at.replace(/^0+/, "")})`);
});
