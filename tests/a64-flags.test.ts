// Flag-setting integer arithmetic of the A64 core cross-checked against qemu-aarch64 on generated
// vectors (a64-flags-gen.ts): ADDS/SUBS/ADCS/SBCS/ANDS/BICS in every operand form, CCMP/CCMN with
// every condition, at 32 and 64 bits, from random incoming NZCV. Both outputs must be identical.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildA64, CACHE, runA64, runQemuUser } from "./helpers/a64.js";
import { flagProgram, flagVectors } from "./a64-flags-gen.js";

test("flag-setting arithmetic: the A64 core agrees with qemu-aarch64 on every generated vector", () => {
  const vectors = flagVectors(60);
  mkdirSync(CACHE, { recursive: true });
  const src = join(CACHE, "flags-gen.S");
  writeFileSync(src, flagProgram(vectors));
  const ours = runA64(buildA64([src]));
  assert.equal(ours.end, "off");
  const theirs = runQemuUser(buildA64([src], "user"));
  const a = ours.console.split("\n");
  const b = theirs.split("\n");
  assert.equal(b.length, vectors.length + 2, "qemu printed a line per vector and PASS");
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i]!;
    assert.equal(a[i], b[i], `vector ${i}: ${v.insn} with x1 = 0x${v.a.toString(16)}, x2 = 0x${v.b.toString(16)}, NZCV = 0x${v.nzcv.toString(16)}`);
  }
  assert.equal(a.at(-2), "PASS");
});
