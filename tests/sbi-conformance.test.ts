// SBI conformance: guests written from the SBI specification's text (v3.0; see the comments in
// tests/asm/sbi-conf*.S for the section each case comes from), run on the vCPU engine as every
// asm test is. The older sbi.test.ts keeps the cases that predate them (console input, floods).
import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, expectPass } from "./helpers/asm-run.js";
import { boot, buildAsm } from "./helpers/guest.js";

test("SBI conformance on one hart: encoding, BASE/probe, legacy, TIME, IPI/RFENCE masks, DBCN ranges, SRST arguments, FWFT", async () => {
  const r = await expectPass("sbi-conf.S");
  assert.ok(r.console.includes("conf!\n"), describe(r)); // DBCN wrote the bytes it said it wrote
  assert.ok(r.logs.some((l) => /SBI call eid=0xa000000 fid=0 not supported/.test(l)), "unsupported calls are logged");
});

test("SBI HSM conformance on four harts: states, errors, start/stop/suspend races, FWFT scope", async () => {
  await expectPass("sbi-conf-hsm.S", { cpus: 4, timeoutMs: 60000 });
});

test("SBI with RAM above 4 GiB: DBCN and HSM take any physical RAM address, refuse ranges past its end", async () => {
  const r = await expectPass("sbi-conf-highmem.S", { cpus: 2, memBytes: 0x84000000, timeoutMs: 30000 });
  assert.ok(r.console.includes("high!\nzz!\n"), describe(r));
});

// §System Reset: types 0 shutdown, 1 cold reboot, 2 warm reboot; reasons 0 none, 1 system failure.
const kinds: { type: number; reason: number; outcome: object }[] = [
  { type: 0, reason: 0, outcome: { state: "poweroff" } },
  { type: 0, reason: 1, outcome: { state: "failure", via: "sbi" } }, // the zone ends `failed`
  { type: 1, reason: 0, outcome: { state: "reboot" } },
  { type: 2, reason: 1, outcome: { state: "reboot" } },
];
for (const k of kinds) {
  test(`SBI SRST reset_type ${k.type} reset_reason ${k.reason} ends the zone as ${JSON.stringify(k.outcome)}`, async () => {
    const kernel = buildAsm(["srst-kind.S"], [`-DRESET_TYPE=${k.type}`, `-DRESET_REASON=${k.reason}`]);
    const r = await boot({ kernel, name: "srst", timeoutMs: 10000 });
    assert.deepEqual(r.outcome, k.outcome, describe(r));
  });
}
