import { test } from "node:test";
import { expectPass } from "./helpers/asm-run.js";

test("supervisor CSRs: masks, WARL fields, counters, FS gating, illegal M/H/debug/read-only accesses", async () => {
  await expectPass("csr.S");
});
