import { test } from "node:test";
import { expectPass } from "./helpers/asm-run.js";

test("Sv39: page sizes, faults, U/S, SUM/MXR, A/D, sfence.vma, page-crossing accesses and fetches", async () => {
  await expectPass(["mmu-sv39.S", "mmu-lib.S"]);
});

test("Sv48: four-level walks, 512 GiB pages, 48-bit canonical addresses, switching with Sv39", async () => {
  await expectPass(["mmu-sv48.S", "mmu-lib.S"]);
});
