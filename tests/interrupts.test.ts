import { test } from "node:test";
import { expectPass } from "./helpers/asm-run.js";

test("interrupts: SBI and Sstc timers, SIE/STIE gating, wfi wake-up, self-IPIs", async () => {
  await expectPass("interrupts.S");
});
