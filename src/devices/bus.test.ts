import { test } from "node:test";
import assert from "node:assert/strict";
import { MmioBus } from "./bus.js";
import type { MmioDevice } from "./types.js";

/** A 4 KiB little-endian register file that logs accesses. */
class RegFile implements MmioDevice {
  readonly mem = new Uint8Array(0x1000);
  readonly log: string[] = [];
  polls = 0;
  constructor(readonly name: string) {}
  read(off: number, size: 1 | 2 | 4): number {
    this.log.push(`r${size}@${off}`);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (this.mem[off + i] ?? 0);
    return v;
  }
  write(off: number, size: 1 | 2 | 4, value: number): void {
    this.log.push(`w${size}@${off}=${value.toString(16)}`);
    for (let i = 0; i < size; i++) this.mem[off + i] = (value >>> (8 * i)) & 0xff;
  }
  poll(): void {
    this.polls++;
  }
}

test("routing, sizes and masking", () => {
  const bus = new MmioBus();
  const a = new RegFile("a"), b = new RegFile("b");
  bus.register(0x1000_0000, 0x100, a);
  bus.register(0x0c00_0000, 0x1000, b);
  assert.equal(bus.write(0x1000_0004, 4, 0xdeadbeef), true);
  let r = bus.read(0x1000_0004, 4);
  assert.deepEqual({ ...r }, { ok: true, lo: 0xdeadbeef, hi: 0 });
  r = bus.read(0x1000_0005, 1);
  assert.equal(r.lo, 0xbe);
  r = bus.read(0x1000_0006, 2);
  assert.equal(r.lo, 0xdead);
  bus.write(0x0c00_0010, 1, 0x1234); // masked to the access size
  assert.equal(b.mem[0x10], 0x34);
  assert.equal(b.mem[0x11], 0);
  assert.equal(bus.find(0x0c00_0fff)?.device, b);
  assert.equal(bus.find(0x0c00_1000), null);
  assert.deepEqual(bus.list().map((w) => w.device.name), ["b", "a"]);
});

test("8-byte accesses are split low word first", () => {
  const bus = new MmioBus();
  const a = new RegFile("a");
  bus.register(0x2000, 0x100, a);
  assert.equal(bus.write(0x2008, 8, 0x11223344, 0x55667788), true);
  assert.deepEqual(a.log, ["w4@8=11223344", "w4@12=55667788"]);
  a.log.length = 0;
  const r = bus.read(0x2008, 8);
  assert.deepEqual({ ...r }, { ok: true, lo: 0x11223344, hi: 0x55667788 });
  assert.deepEqual(a.log, ["r4@8", "r4@12"]);
});

test("read result object is reused (no per-access allocation)", () => {
  const bus = new MmioBus();
  bus.register(0, 0x100, new RegFile("a"));
  assert.equal(bus.read(0, 4), bus.read(4, 4));
  assert.equal(bus.read(0x100, 4), bus.read(0, 4));
});

test("unmapped, straddling and bogus accesses fail without touching devices", () => {
  const bus = new MmioBus();
  const a = new RegFile("a");
  bus.register(0x1000, 0x10, a);
  assert.equal(bus.read(0xfff, 1).ok, false);
  assert.equal(bus.read(0x1010, 1).ok, false);
  assert.equal(bus.read(0x100e, 4).ok, false, "runs past the window end");
  assert.equal(bus.read(0x100c, 8).ok, false);
  assert.equal(bus.read(0x1008, 8).ok, true);
  assert.equal(bus.write(0x100f, 2, 1), false);
  for (const addr of [NaN, -1, Infinity, 2 ** 53, 4096.5]) {
    assert.equal(bus.read(addr, 1).ok, false);
    assert.equal(bus.write(addr, 4, 0), false);
    assert.equal(bus.find(addr), null);
  }
  assert.equal(bus.read(0x1000, 3 as 4).ok, false);
  const r = bus.read(0x9999, 4);
  assert.deepEqual({ ...r }, { ok: false, lo: 0, hi: 0 });
  assert.deepEqual(a.log, ["r4@8", "r4@12"], "only the one valid 8-byte read reached the device");
});

test("overlaps and bad windows are rejected at registration", () => {
  const bus = new MmioBus();
  bus.register(0x1000, 0x1000, new RegFile("a"));
  assert.throws(() => bus.register(0x1800, 0x1000, new RegFile("b")), /b \[0x1800, 0x2800\) overlaps a \[0x1000, 0x2000\)/);
  assert.throws(() => bus.register(0x0, 0x1001, new RegFile("c")), /overlaps/);
  assert.throws(() => bus.register(0x1100, 0x10, new RegFile("d")), /overlaps/);
  assert.throws(() => bus.register(0x0, 0x20000, new RegFile("e")), /overlaps/);
  assert.throws(() => bus.register(0x3000, 0, new RegFile("z")), /bad size/);
  assert.throws(() => bus.register(-1, 0x10, new RegFile("n")), /bad base/);
  assert.throws(() => bus.register(2 ** 53 - 4, 0x10, new RegFile("o")), /overflows/);
  bus.register(0x2000, 0x10, new RegFile("adjacent"));
  bus.register(0x0, 0x1000, new RegFile("below"));
  assert.equal(bus.list().length, 3);
});

test("device exceptions are contained; pollAll polls every device", () => {
  const bus = new MmioBus();
  const bad: MmioDevice = { name: "bad", read() { throw new Error("boom"); }, write() { throw new Error("boom"); } };
  const a = new RegFile("a"), b = new RegFile("b");
  bus.register(0x0, 0x10, bad);
  bus.register(0x10, 0x10, a);
  bus.register(0x20, 0x10, b);
  assert.equal(bus.read(0, 4).ok, true);
  assert.equal(bus.write(0, 4, 1), true);
  assert.equal(bus.deviceErrors, 2);
  bus.pollAll();
  bus.pollAll();
  assert.equal(a.polls, 2);
  assert.equal(b.polls, 2);
});

test("random hostile traffic never throws", () => {
  const bus = new MmioBus();
  bus.register(0x1000, 0x100, new RegFile("a"));
  bus.register(0x2000, 0x100, new RegFile("b"));
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const sizes = [1, 2, 4, 8, 3, 0, 16] as (1 | 2 | 4 | 8)[];
  for (let i = 0; i < 20000; i++) {
    const addr = rnd() < 0.05 ? [NaN, -1, Infinity, 1e300][i & 3] : Math.floor(rnd() * 0x3000);
    const size = sizes[Math.floor(rnd() * sizes.length)];
    if (rnd() < 0.5) {
      const r = bus.read(addr, size);
      assert.ok(r.lo >= 0 && r.lo <= 0xffffffff && r.hi >= 0 && r.hi <= 0xffffffff);
    } else bus.write(addr, size, rnd() * 2 ** 40, rnd() < 0.1 ? NaN : rnd() * 2 ** 32);
  }
});
