import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, buildAsm } from "./helpers/guest.js";

test("bare-metal smoke program passes and powers off", async () => {
  const r = await boot({ kernel: buildAsm(["smoke.S"]), timeoutMs: 10000 });
  assert.match(r.console, /PASS/);
  assert.deepEqual(r.outcome, { state: "poweroff" });
});
