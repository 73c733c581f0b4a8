// The compiler thread ends with its vCPU: once a zone's guest has asked for poweroff nothing may
// be left that keeps the process alive (an uncleared 2 s timer here once delayed every exit).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as L from "../layout.js";
import { BlockJit } from "./block-jit.js";

const RAM = 1 << 20;

function jitForTest(sync: boolean): BlockJit {
  const memory = new WebAssembly.Memory({ initial: (L.GUEST_RAM_OFF + RAM) / L.WASM_PAGE, maximum: (L.GUEST_RAM_OFF + RAM) / L.WASM_PAGE, shared: true });
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  // `addi a0, a0, 1; ret` at the start of RAM: something the compiler accepts.
  new DataView(buffer).setUint32(L.GUEST_RAM_OFF, 0x00150513, true);
  new DataView(buffer).setUint32(L.GUEST_RAM_OFF + 4, 0x00008067, true);
  const table = new WebAssembly.Table({ initial: 1, element: "anyfunc" });
  return new BlockJit(buffer, memory, table, L.HART_REGION_OFF, RAM, () => undefined, { csr: () => 0 }, undefined,
    () => undefined, sync);
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

test("close() ends a compiler thread that has answered, leaving no timer behind", async () => {
  const before = timers();
  const jit = jitForTest(true);
  jit.request(L.GUEST_RAM_OFF, 1); // synchronous: returns once the thread answered
  assert.equal(jit.compiled, 1);
  await jit.close();
  assert.equal(timers(), before);
});

test("close() right after the first request (the thread still starting up) ends it cleanly", async () => {
  for (let i = 0; i < 5; i++) {
    const before = timers();
    const jit = jitForTest(false);
    jit.request(L.GUEST_RAM_OFF, 1); // starts the thread; no waiting
    await jit.close();
    assert.equal(timers(), before);
  }
});
