// Property-based fuzzing of every virtio device model: random descriptor tables, rings, indirect
// tables and buffer contents. Nothing may throw past the device, no device-internal error may
// occur, and nothing outside guest RAM (guard bytes around it) may change.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { R, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK, type VirtioDevice } from "./mmio.js";
import { TestDriver, RAM } from "./testing.js";
import { VirtioBlk } from "./blk.js";
import { VirtioNet } from "./net.js";
import { VirtioConsole } from "./console.js";
import { VirtioRng } from "./rng.js";
import { MemConsole, MemDisk, MemNic } from "./mem-backends.js";

const RUNS = Number(process.env.TSVISOR_FUZZ_RUNS ?? 100_000);
const RAM_SIZE = 1 << 20;
const QSIZE = 8;
const DATA = RAM + 0x40000; // buffers and indirect tables point around here
const INDIRECT = DATA + 0x1000;

// Addresses: mostly near the data area (so requests do real work), sometimes anywhere.
const addr = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 0x2000 }).map((o) => DATA + o) },
  { weight: 1, arbitrary: fc.constant(INDIRECT) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: RAM_SIZE + 0x100 }).map((o) => RAM + o - 0x80) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff)).map(([h, l]) => h * 2 ** 32 + l) },
);
const len = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 0x800 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 16, 512, 4096, 0x10000) },
  { weight: 1, arbitrary: fc.nat(0xffffffff) },
);
const desc = fc.record({ addr, len, flags: fc.nat(7), next: fc.nat(QSIZE + 2) });
const scenario = fc.record({
  table: fc.array(desc, { minLength: QSIZE, maxLength: QSIZE }),
  indirect: fc.array(desc, { minLength: 4, maxLength: 4 }),
  heads: fc.array(fc.nat(QSIZE + 1), { minLength: 1, maxLength: QSIZE }),
  idxJump: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(0xffff) }),
  usedEvent: fc.nat(0xffff),
  data: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  features: fc.nat(3), // INDIRECT_DESC / EVENT_IDX on or off
  queue: fc.nat(3),
  input: fc.uint8Array({ maxLength: 80 }),
});

function writeDesc(d: TestDriver, at: number, x: { addr: number; len: number; flags: number; next: number }): void {
  d.mem.writeU32(at, x.addr % 2 ** 32);
  d.mem.writeU32(at + 4, Math.floor(x.addr / 2 ** 32));
  d.mem.writeU32(at + 8, x.len);
  d.mem.writeU16(at + 12, x.flags);
  d.mem.writeU16(at + 14, x.next);
}

function fuzz(name: string, dev: VirtioDevice, hooks: { input?(b: Uint8Array): void } = {}): void {
  test(`fuzz ${name}: ${RUNS} random descriptor tables`, () => {
    const d = new TestDriver(dev, RAM_SIZE);
    const offered = (() => {
      d.w(R.DEVICE_FEATURES_SEL, 0);
      const lo = BigInt(d.r(R.DEVICE_FEATURES));
      d.w(R.DEVICE_FEATURES_SEL, 1);
      return lo | (BigInt(d.r(R.DEVICE_FEATURES)) << 32n);
    })();
    let served = 0;
    fc.assert(fc.property(scenario, (s) => {
      let f = offered;
      if (!(s.features & 1)) f &= ~(1n << 28n);
      if (!(s.features & 2)) f &= ~(1n << 29n);
      d.init({ features: f, size: QSIZE });
      const q = s.queue % dev.queueSizes.length;
      s.table.forEach((x, i) => writeDesc(d, d.descAddr(q) + 16 * i, x));
      s.indirect.forEach((x, i) => writeDesc(d, INDIRECT + 16 * i, x));
      d.mem.view(DATA, 64)!.set(s.data);
      const avail = d.descAddr(q) + 0x8000;
      s.heads.forEach((h, i) => d.mem.writeU16(avail + 4 + 2 * i, h));
      d.mem.writeU16(avail + 4 + 2 * QSIZE, s.usedEvent);
      d.mem.writeU16(avail + 2, (s.heads.length + s.idxJump) & 0xffff);
      hooks.input?.(s.input);
      d.kick(s.queue === 3 ? 7 : q); // queue 7 does not exist
      d.mmio.poll();
      served += d.used(q, QSIZE).length;
      if (d.mmio.lastError?.startsWith("internal")) throw new Error(d.mmio.lastError);
      if (!d.guardsIntact()) throw new Error("memory outside guest RAM changed");
      return true;
    }), { numRuns: RUNS });
    assert.ok(served > RUNS / 10, `only ${served} requests completed: the fuzzer is not reaching the device`);
  });
}

const disk = new MemDisk(64 * 1024);
fuzz("virtio-blk", new VirtioBlk(disk, "fuzz"));
const nic = new MemNic();
fuzz("virtio-net", new VirtioNet(nic, Uint8Array.from([2, 0, 0, 0, 0, 1])), {
  input: (b) => { nic.inbox.length = 0; nic.sent.length = 0; if (b.length > 0) nic.inbox.push(b); },
});
const con = new VirtioConsole(new MemConsole());
fuzz("virtio-console", con, { input: (b) => con.receive(b) });
fuzz("virtio-rng", new VirtioRng());

// The status/feature registers themselves: random register writes never throw.
test("fuzz virtio-mmio registers: random accesses never throw", () => {
  const d = new TestDriver(new VirtioBlk(new MemDisk(4096), ""), RAM_SIZE);
  const access = fc.record({ off: fc.nat(0x1ff), size: fc.constantFrom(1, 2, 4) as fc.Arbitrary<1 | 2 | 4>,
    value: fc.nat(0xffffffff), write: fc.boolean() });
  fc.assert(fc.property(fc.array(access, { maxLength: 40 }), (ops) => {
    d.w(R.STATUS, 0);
    d.w(R.STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    for (const o of ops) {
      if (o.write) d.mmio.write(o.off, o.size, o.value);
      else d.mmio.read(o.off, o.size);
    }
    d.mmio.poll();
    if (d.mmio.lastError?.startsWith("internal")) throw new Error(d.mmio.lastError);
    return d.guardsIntact();
  }), { numRuns: 20_000 });
});
