import { test } from "node:test";
import assert from "node:assert/strict";
import { SharedGuestMemory, type U64Parts } from "./guest-memory.js";

const BASE = 0x8000_0000;
const SIZE = 0x10000;

function mk(shared = true) {
  const buf = shared ? new SharedArrayBuffer(0x20000) : new ArrayBuffer(0x20000);
  return { buf, mem: new SharedGuestMemory(buf, 0x4000, BASE, SIZE) };
}

test("views map exactly the requested guest range", () => {
  const { buf, mem } = mk();
  assert.equal(mem.base, BASE);
  assert.equal(mem.size, SIZE);
  const v = mem.view(BASE + 0x10, 4)!;
  assert.equal(v.length, 4);
  assert.equal(v.byteOffset, 0x4010);
  assert.equal(v.buffer, buf);
  v.set([1, 2, 3, 4]);
  assert.equal(new Uint8Array(buf)[0x4012], 3);
  assert.equal(mem.view(BASE + SIZE - 8, 8)!.length, 8, "last bytes of RAM");
  assert.equal(mem.view(BASE + SIZE, 0)!.length, 0, "empty view at the end is fine");
  assert.equal(mem.view(BASE, SIZE)!.length, SIZE);
});

test("out-of-range and hostile arguments give null", () => {
  const { mem } = mk(false);
  const bad: [number, number][] = [
    [BASE - 1, 1], [BASE + SIZE - 3, 4], [BASE + SIZE, 1], [BASE, SIZE + 1], [BASE, -1],
    [NaN, 1], [BASE, NaN], [Infinity, 1], [BASE, Infinity], [-Infinity, 1], [BASE + 0.5, 1], [BASE, 1.5],
    [2 ** 53, 1], [BASE, 2 ** 53], [2 ** 64, 8], [-(2 ** 53), 2 ** 53], [0, BASE + 1],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [BASE + 8, Number.MAX_SAFE_INTEGER - BASE],
  ];
  for (const [g, l] of bad) assert.equal(mem.view(g, l), null, `view(${g}, ${l})`);
  assert.equal(mem.readU32(BASE + SIZE - 2), null);
  assert.equal(mem.readU16(BASE - 1), null);
  assert.equal(mem.readU8(NaN), null);
  assert.equal(mem.writeU32(BASE + SIZE - 3, 1), false);
  assert.equal(mem.writeU16(-2, 1), false);
  assert.equal(mem.writeU8(BASE + SIZE, 1), false);
  assert.equal(mem.writeU64(BASE + SIZE - 4, 1, 2), false);
  const out: U64Parts = { lo: 9, hi: 9 };
  assert.equal(mem.readU64(BASE + SIZE - 7, out), false);
  assert.deepEqual(out, { lo: 9, hi: 9 });
  assert.equal(mem.readU64Safe(Infinity), null);
});

test("little-endian helpers", () => {
  const { mem } = mk();
  assert.equal(mem.writeU32(BASE + 0x100, 0xdeadbeef), true);
  assert.equal(mem.readU32(BASE + 0x100), 0xdeadbeef);
  assert.equal(mem.readU16(BASE + 0x102), 0xdead);
  assert.equal(mem.readU8(BASE + 0x100), 0xef);
  assert.equal(mem.writeU16(BASE + 0x201, 0x12345), true, "unaligned is fine; value truncated");
  assert.equal(mem.readU16(BASE + 0x201), 0x2345);
  assert.equal(mem.writeU64(BASE + 0x300, 0x89abcdef, 0x01234567), true);
  const out = { lo: 0, hi: 0 };
  assert.equal(mem.readU64(BASE + 0x300, out), true);
  assert.deepEqual(out, { lo: 0x89abcdef, hi: 0x01234567 });
  assert.equal(mem.readU64Safe(BASE + 0x300), null, "0x0123456789abcdef exceeds 2^53-1");
  mem.writeU64(BASE + 0x318, 0x89abcdef, 0x4567);
  assert.equal(mem.readU64Safe(BASE + 0x318), 0x4567 * 2 ** 32 + 0x89abcdef);
  mem.writeU64(BASE + 0x308, 0xffffffff, 0x1fffff);
  assert.equal(mem.readU64Safe(BASE + 0x308), Number.MAX_SAFE_INTEGER);
  mem.writeU64(BASE + 0x310, 0, 0x200000);
  assert.equal(mem.readU64Safe(BASE + 0x310), null, "2^53 is not safe");
  assert.equal(mem.writeU32(BASE + SIZE - 4, -1), true);
  assert.equal(mem.readU32(BASE + SIZE - 4), 0xffffffff);
});

test("bad layouts are rejected at construction", () => {
  const buf = new ArrayBuffer(0x1000);
  assert.throws(() => new SharedGuestMemory(buf, 0, 0, 0x1001));
  assert.throws(() => new SharedGuestMemory(buf, 0x800, 0, 0x801));
  assert.throws(() => new SharedGuestMemory(buf, -1, 0, 0x10));
  assert.throws(() => new SharedGuestMemory(buf, 0, 2 ** 53 - 4, 0x10));
  assert.throws(() => new SharedGuestMemory(buf, 0, NaN, 0x10));
  assert.doesNotThrow(() => new SharedGuestMemory(buf, 0x800, 0, 0x800));
});

test("random hostile arguments never throw or escape RAM", () => {
  const { mem } = mk();
  let seed = 3;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const weird = [NaN, Infinity, -Infinity, -1, 2 ** 53, 2 ** 64, 0.5, -0, Number.MAX_SAFE_INTEGER];
  const pick = () => (rnd() < 0.2 ? weird[Math.floor(rnd() * weird.length)] : BASE - 0x100 + Math.floor(rnd() * (SIZE + 0x200)));
  for (let i = 0; i < 20000; i++) {
    const g = pick();
    const len = rnd() < 0.2 ? weird[Math.floor(rnd() * weird.length)] : Math.floor(rnd() * 64);
    const v = mem.view(g, len);
    if (v) assert.ok(v.byteOffset >= 0x4000 && v.byteOffset + v.length <= 0x4000 + SIZE);
    mem.readU32(g);
    mem.writeU16(g, rnd() * 1e6);
    mem.readU64(g, { lo: 0, hi: 0 });
  }
});
