import { test } from "node:test";
import { expectPass } from "./helpers/asm-run.js";

test("RV64I: every base instruction, W forms, shifts, loads/stores, branches, jumps, misaligned access", async () => {
  await expectPass("rv64i.S");
});

test("RV64M: multiplies incl. high halves, divides incl. by zero and INT_MIN / -1", async () => {
  await expectPass("rv64m.S");
});

test("RV64A: LR/SC success and failure, every AMO in .w and .d form", async () => {
  await expectPass("rv64a.S");
});

test("Zba/Zbb: every instruction", async () => {
  await expectPass("zbb-zba.S");
});
