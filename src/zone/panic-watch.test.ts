import { test } from "node:test";
import assert from "node:assert/strict";
import { afterPanicLine, PANIC_CONFIRM_MS, PANIC_MESSAGE_MAX, PanicConfirm, PanicWatch } from "./panic-watch.js";
import type { VcpuActivity } from "../engine/engine.js";

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

test("the panic line counts only at the start of a line, and its message is made printable", () => {
  const w = new PanicWatch();
  assert.equal(w.feed(Buffer.from("$ grep x log: ---[ end Kernel panic - not syncing: old ]---\r\n")), undefined);
  assert.equal(new PanicWatch().feed(Buffer.from("\r\n---[ end Kernel panic - not syncing: a\x1b[2Jb ]---\r\n")), "a?[2Jb");
});

test("output on a later line clears a suspected panic; the rest of the panic line does not", () => {
  assert.deepEqual(afterPanicLine(" ]---", false), { eol: false, spoke: false });
  assert.deepEqual(afterPanicLine("\r\n", false), { eol: true, spoke: false });
  assert.deepEqual(afterPanicLine("tsvisor:~# ", true), { eol: true, spoke: true });
  assert.deepEqual(afterPanicLine(" ]---\r\n$ ", false), { eol: true, spoke: true });
});

test("a panic is confirmed only if no hart ran user code and one hart spun for the whole window", () => {
  const t0 = 1_000_000;
  const at = (ms: number) => t0 + ms;
  const s = (instret: number[], inUser = false): VcpuActivity => ({ instret: instret.map(BigInt), inUser });
  // a dead kernel: hart 0 spins in mdelay, hart 1 is parked
  const dead = new PanicConfirm("m", s([0, 0]), t0);
  assert.equal(dead.observe(s([5e6, 10]), at(1000)), false); // window not over yet
  assert.equal(dead.observe(s([5e7, 20]), at(PANIC_CONFIRM_MS)), true);
  // `echo <panic line>; sleep 100`: the system idles
  const idle = new PanicConfirm("m", s([0, 0]), t0);
  assert.equal(idle.observe(s([3e5, 2e5]), at(PANIC_CONFIRM_MS)), false);
  // a user program spinning after printing the line
  const user = new PanicConfirm("m", s([0, 0]), t0);
  user.observe(s([1e7, 0], true), at(500));
  assert.equal(user.observe(s([5e7, 0]), at(PANIC_CONFIRM_MS)), false);
});
