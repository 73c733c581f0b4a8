import { test } from "node:test";
import { expectPass } from "./helpers/asm-run.js";

test("traps: ecall/ebreak/illegal, misaligned atomics, access faults, sret, U-mode and vectored interrupts, priority", async () => {
  await expectPass("traps.S");
});
