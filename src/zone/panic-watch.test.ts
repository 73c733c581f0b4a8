import { test } from "node:test";
import assert from "node:assert/strict";
import { PANIC_MESSAGE_MAX, PanicWatch } from "./panic-watch.js";

const END = "[ 2.5] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\r\n";

test("the end-of-panic line gives the message, also when split across chunks at any byte", () => {
  const text = `[ 2.4] Kernel panic - not syncing: VFS: Unable to mount root fs\r\nCall Trace:\r\n${END}`;
  for (let cut = 0; cut <= text.length; cut++) {
    const w = new PanicWatch();
    const a = w.feed(Buffer.from(text.slice(0, cut)));
    const b = w.feed(Buffer.from(text.slice(cut)));
    assert.equal(a ?? b, "VFS: Unable to mount root fs on unknown-block(0,0)", `cut at ${cut}`);
  }
});

test("the start line alone (panic=N reboots the guest) and ordinary output are no panic", () => {
  const w = new PanicWatch();
  assert.equal(w.feed(Buffer.from("Kernel panic - not syncing: x\r\nRebooting in 5 seconds..\r\n")), undefined);
  for (let i = 0; i < 1000; i++) assert.equal(w.feed(Buffer.from("end Kernel panic is just text ".repeat(10))), undefined);
});

test("a message without an end is cut at PANIC_MESSAGE_MAX, and the carried text stays bounded", () => {
  const w = new PanicWatch();
  assert.equal(w.feed(Buffer.from("---[ end Kernel panic - not syncing: ")), undefined);
  const got = w.feed(Buffer.alloc(PANIC_MESSAGE_MAX + 50, "A"));
  assert.equal(got, "A".repeat(PANIC_MESSAGE_MAX));
});
