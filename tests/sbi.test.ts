import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, expectPass } from "./helpers/asm-run.js";
import { boot, buildAsm } from "./helpers/guest.js";

test("SBI console and timer on one hart: TIME, DBCN, legacy console, typed input", async () => {
  const r = await expectPass("sbi.S", { input: [{ when: "READ>", text: "xyzQ" }] });
  assert.ok(r.console.includes("dbcn-ok\ndbcn-2!\n!\nL\nREAD>\n"), r.console);
});

test("SBI on four harts: HSM start/stop/errors, cross-hart atomics, IPIs, remote sfence.vma, SRST", async () => {
  await expectPass("sbi-smp.S", { cpus: 4, timeoutMs: 30000 });
});

test("SBI HSM hart_suspend: retentive and non-retentive, woken by IPI and by the timer; remote fences to it", async () => {
  // The guest times the fences with its time CSR: they used to wait 20 s for an acknowledgement
  // the suspended hart never gave (its thread spinning on the pending request meanwhile).
  await expectPass("hsm-suspend.S", { cpus: 2, timeoutMs: 5000 });
});

test("SBI system suspend (SUSP): probe, sleep types, entry criteria, resume address, resume state", async () => {
  await expectPass("sbi-susp.S", { cpus: 2, timeoutMs: 10000 });
});

test("a zone whose every hart has stopped (SBI HSM hart_stop) ends in error, saying so", async () => {
  const r = await boot({ kernel: buildAsm(["all-stopped.S"]), name: "stopped", cpus: 2, timeoutMs: 10000 });
  assert.ok(r.console.includes("stopping\n"), describe(r));
  assert.equal(r.outcome.state, "error", describe(r)); // it used to stay running until the timeout
  assert.match((r.outcome as { reason: string }).reason,
    /^zone stopped: every hart has stopped \(SBI HSM hart_stop\) and none can be started again$/);
});

test("a million distinct unsupported SBI calls: a few log lines that account for all of them, flat memory", async () => {
  let rssAtStart = 0;
  let peak = 0;
  const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const r = await boot({
    kernel: buildAsm(["sbi-flood.S"]), name: "sbi-flood", timeoutMs: 60000,
    onConsole: () => { if (rssAtStart === 0) peak = rssAtStart = process.memoryUsage().rss; }, // "START"
  }).finally(() => clearInterval(sample));
  assert.deepEqual(r.outcome, { state: "poweroff" }, describe(r));
  assert.match(r.console, /PASS\n/);
  const sbiLines = r.logs.filter((l) => /SBI|similar|other kinds/.test(l));
  assert.ok(sbiLines.length <= 100, `${sbiLines.length} log lines, e.g.\n${sbiLines.slice(0, 5).join("\n")}`);
  // every call is either logged or counted in a "suppressed" line
  let accounted = 0;
  for (const l of sbiLines) {
    const m = /(\d+) (?:similar messages?|more messages?)/.exec(l);
    accounted += m ? Number(m[1]) : /not supported/.test(l) ? 1 : 0;
  }
  assert.equal(accounted, 1_000_000, sbiLines.join("\n"));
  // the old module-level Set of every (eid, fid) and a message per call grew by ~200 MB here
  const grew = (peak - rssAtStart) / 2 ** 20;
  assert.ok(grew < 64, `owner RSS grew by ${grew.toFixed(0)} MiB during the flood`);
});
