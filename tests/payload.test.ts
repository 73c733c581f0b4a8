// Booting every payload format: the same program as a Linux Image, as an ELF executable and as a
// raw binary gets the OpenSBI hand-over (a0 = hart id, a1 = device tree, MMU and interrupts off).
import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, buildAsm } from "./helpers/guest.js";

const bin = buildAsm(["handover.S"]); // flat binary with a Linux Image header, linked at 0x8020_0000
const elf = `${bin}.elf`;

for (const [what, kernel, format] of [["a Linux Image", bin, undefined], ["an ELF executable", elf, undefined],
  ["a raw binary at 0x8020_0000", bin, "raw"], ["an ELF given format = elf", elf, "elf"]] as const) {
  test(`${what} boots with the OpenSBI hand-over registers`, async () => {
    const r = await boot({ kernel, format, timeoutMs: 10000 });
    assert.match(r.console, /PASS/, r.console);
    assert.deepEqual(r.outcome, { state: "poweroff" });
  });
}

test("a payload that does not fit is refused before anything runs, naming the zone, file and cause", async () => {
  // a raw load 64 bytes below the end of a 4 MiB zone leaves the program no room
  await assert.rejects(boot({ kernel: bin, format: "raw", loadAddr: 0x80000000 + 4 * 1024 * 1024 - 64, memBytes: 4 * 1024 * 1024 }),
    /zone test: .*handover.*: raw binary \[0x803fffc0, 0x8040[0-9a-f]+\) lies beyond the zone's RAM \[0x80000000, 0x80400000\): give the zone at least 5 MiB/);
  await assert.rejects(boot({ kernel: elf, format: "image" }), /not a RISC-V Linux Image/);
});

test("a guest built for M-mode ends with a message saying that zones run guests in S-mode, naming the pc", async () => {
  const r = await boot({ kernel: buildAsm(["mmode.S"]), timeoutMs: 10000 });
  assert.equal(r.outcome.state, "error");
  assert.match(r.outcome.state === "error" ? r.outcome.reason : "",
    /^zone test: the guest needs M-mode: it executed an access to the M-mode CSR mhartid at pc 0x802000[0-9a-f]{2} \(hart 0\); zones run guests in S-mode/);
});

test("console output through the UART and SBI DBCN in turn reaches the host whole and in order, also when the guest powers off at once", async () => {
  const kernel = buildAsm(["console-order.S"]);
  let expected = "";
  for (let i = 0; i < 64; i++) {
    const line = String.fromCharCode(65 + (i % 26)).repeat(31);
    expected += `${line}u\n${line}d\n`;
  }
  for (let run = 0; run < 12; run++) {
    const r = await boot({ kernel, name: `order-${run}`, timeoutMs: 10000 });
    assert.deepEqual(r.outcome, { state: "poweroff" });
    assert.equal(r.console, expected, `run ${run}: ${r.console.length} of ${expected.length} bytes`);
  }
});
