import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, expectPass } from "./helpers/asm-run.js";
import { boot, buildAsm } from "./helpers/guest.js";

test("SBI on one hart: BASE, probing, unknown calls, TIME, DBCN, legacy console, HSM, RFENCE, SRST", async () => {
  const r = await expectPass("sbi.S", { input: [{ when: "READ>", text: "xyzQ" }] });
  assert.ok(r.console.includes("dbcn-ok\ndbcn-2!\n!\nL\nREAD>\n"), r.console);
  assert.ok(r.logs.some((l) => /not supported/.test(l)), "unsupported calls are logged");
});

test("SBI on four harts: HSM start/stop/errors, cross-hart atomics, IPIs, remote sfence.vma, SRST", async () => {
  await expectPass("sbi-smp.S", { cpus: 4, timeoutMs: 30000 });
});

test("SBI HSM hart_suspend: retentive and non-retentive, woken by IPI and by the timer", async () => {
  await expectPass("hsm-suspend.S", { cpus: 2, timeoutMs: 5000 });
});

test("SBI RFENCE to a suspended hart returns promptly; the hart stays suspended until its IPI", async () => {
  // The guest times each call with the time CSR (it used to wait 20 s for an acknowledgement the
  // suspended hart never gave, while that hart's thread spun on the pending request).
  await expectPass("hsm-rfence.S", { cpus: 2, timeoutMs: 15000 });
});

test("a zone whose every hart has stopped (SBI HSM hart_stop) ends in error, saying so", async () => {
  const r = await boot({ kernel: buildAsm(["all-stopped.S"]), name: "stopped", cpus: 2, timeoutMs: 10000 });
  assert.ok(r.console.includes("stopping\n"), describe(r));
  assert.equal(r.outcome.state, "error", describe(r)); // it used to stay running until the timeout
  assert.match((r.outcome as { reason: string }).reason,
    /^zone stopped: every hart has stopped \(SBI HSM hart_stop\) and none can be started again$/);
});
