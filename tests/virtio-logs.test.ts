// Device diagnostics a guest can provoke in a loop are rate-limited per zone thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, buildAsm } from "./helpers/guest.js";
import { describe } from "./helpers/asm-run.js";

test("a driver looping on refused feature negotiation: a few log lines that account for every refusal", async () => {
  const r = await boot({ kernel: buildAsm(["virtio-refuse.S"]), name: "refuse", timeoutMs: 60000,
    devices: [{ type: "rng", slot: 0 }] });
  assert.deepEqual(r.outcome, { state: "poweroff" }, describe(r));
  assert.match(r.console, /PASS\n/);
  const lines = r.logs.filter((l) => /features refused|similar|other kinds/.test(l));
  assert.ok(lines.length <= 50, `${lines.length} log lines (one per refusal before)`);
  let accounted = 0;
  for (const l of lines) {
    const m = /(\d+) (?:similar messages?|more messages?)/.exec(l);
    accounted += m ? Number(m[1]) : 1;
  }
  assert.equal(accounted, 200_000, lines.join("\n"));
  assert.ok(lines.some((l) => /^zone refuse: virtio-rng@0 features refused: \d+ similar messages suppressed$/.test(l)), lines.join("\n"));
});
