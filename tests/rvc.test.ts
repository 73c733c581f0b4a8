import { test } from "node:test";
import { expectPass } from "./helpers/asm-run.js";

test("RVC: every compressed instruction, reserved encodings, instructions at a page end", async () => {
  await expectPass("rvc.S");
});
