// Platform-level behaviour visible to bare-metal programs: MMIO loads/stores, the ways a guest
// ends its zone, and the time CSR's rate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, buildAsm } from "./helpers/guest.js";
import { describe, expectPass } from "./helpers/asm-run.js";

test("MMIO: widths, sign extension, FP registers, x0, faults", async () => {
  await expectPass("mmio.S");
});

test("UART: transmit through THR, receive interrupt via the PLIC wakes wfi and is taken", async () => {
  const r = await expectPass("uart-irq.S", { input: [{ when: "READY1", text: "k" }, { when: "READY2", text: "m" }] });
  assert.ok(r.console.includes("uart-tx-ok\n"), r.console);
});

const endings: [number, string, object][] = [
  [1, "SRST cold reboot", { state: "reboot" }],
  [2, "SRST warm reboot", { state: "reboot" }],
  [3, "SRST shutdown with reason 'system failure'", { state: "failure", via: "sbi" }],
  [4, "legacy SBI shutdown", { state: "poweroff" }],
  [5, "syscon pass", { state: "poweroff" }],
  [6, "syscon fail with a code", { state: "failure", via: "syscon", code: 7 }],
  [7, "syscon reset", { state: "reboot" }],
  [8, "syscon fail without a code", { state: "failure", via: "syscon" }],
];
for (const [mode, what, outcome] of endings) {
  test(`zone ending: ${what}`, async () => {
    const r = await boot({ kernel: buildAsm(["reset.S"], [`-DMODE=${mode}`]), timeoutMs: 30000 });
    assert.deepEqual(r.outcome, outcome, describe(r));
  });
}

test("the time CSR runs at 10 MHz (5,000,000 ticks take about half a second)", async () => {
  // The guest polls `time` until 5,000,000 ticks have passed. The host clock cannot make that
  // shorter than 0.5 s at 10 MHz; the upper bound only rules out a clock ~9x too slow, with room
  // for a loaded machine (zone start and stop are included).
  const r = await expectPass("timebase.S");
  assert.ok(r.ms >= 450 && r.ms < 4500, `took ${r.ms} ms`);
});
