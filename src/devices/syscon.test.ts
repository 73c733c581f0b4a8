import { test } from "node:test";
import assert from "node:assert/strict";
import { TestFinisher } from "./syscon.js";

function mk() {
  const ev: string[] = [];
  const dev = new TestFinisher({
    poweroff: () => ev.push("off"), fail: (c) => ev.push(`fail:${c}`), reboot: () => ev.push("reboot"),
  });
  return { dev, ev };
}

test("pass, fail with and without a code, reset", () => {
  const { dev, ev } = mk();
  dev.write(0, 4, 0x5555);
  dev.write(0, 4, 0x3333 | (42 << 16));
  dev.write(0, 4, (0x3333 | (0xffff << 16)) >>> 0);
  dev.write(0, 4, 0x3333);
  dev.write(0, 4, 0x7777);
  assert.deepEqual(ev, ["off", "fail:42", "fail:65535", "fail:0", "reboot"]);
});

test("anything else is ignored; reads return 0", () => {
  const { dev, ev } = mk();
  dev.write(0, 2, 0x5555);
  dev.write(4, 4, 0x5555);
  dev.write(0, 4, 0x5556);
  dev.write(0, 4, 0x15555);
  dev.write(0, 4, 0x17777);
  dev.write(0, 1, 0x55);
  assert.deepEqual(ev, []);
  assert.equal(dev.ignoredWrites, 6);
  assert.equal(dev.read(0, 4), 0);
});

test("hostile accesses never throw", () => {
  const { dev, ev } = mk();
  const vals = [NaN, Infinity, -1, 2 ** 53, 1.5, -0x5555, 0x5555 + 2 ** 32];
  for (let i = 0; i < 5000; i++) {
    const off = [0, 1, 4, -4, NaN, 0xfff, 2 ** 60][i % 7];
    const size = [1, 2, 4, 8][i % 4] as 1 | 2 | 4;
    dev.write(off, size, i % 3 === 0 ? vals[i % vals.length] : (i * 2654435761) >>> 0);
    assert.equal(dev.read(off, size), 0);
  }
  // Random values may legitimately hit a command; all events must be well-formed.
  for (const e of ev) assert.match(e, /^(off|fail:\d+|reboot)$/);
});
