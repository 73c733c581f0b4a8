import { test } from "node:test";
import assert from "node:assert/strict";
import { Plic } from "./plic.js";

const PRIO = (s: number) => 4 * s;
const PENDING = (w: number) => 0x1000 + 4 * w;
const ENABLE = (c: number, w = 0) => 0x2000 + 0x80 * c + 4 * w;
const THRESH = (c: number) => 0x200000 + 0x1000 * c;
const CLAIM = (c: number) => 0x200004 + 0x1000 * c;

function mk(ndev = 31, contexts = 2, size?: number) {
  const levels: boolean[] = new Array(contexts).fill(false);
  const calls: [number, boolean][] = [];
  const plic = new Plic(ndev, contexts, (c, l) => { calls.push([c, l]); levels[c] = l; }, size);
  const rd = (o: number) => plic.read(o, 4);
  const wr = (o: number, v: number) => plic.write(o, 4, v);
  return { plic, levels, calls, rd, wr };
}

test("register layout and WARL masks", () => {
  const { rd, wr, plic } = mk(40, 2);
  wr(PRIO(1), 0xff);
  assert.equal(rd(PRIO(1)), 7);
  wr(PRIO(0), 5);
  assert.equal(rd(PRIO(0)), 0, "source 0 is reserved");
  wr(PRIO(41), 5);
  assert.equal(rd(PRIO(41)), 0, "no such source");
  wr(ENABLE(0, 0), 0xffffffff);
  assert.equal(rd(ENABLE(0, 0)), 0xfffffffe, "bit 0 hardwired to 0");
  wr(ENABLE(0, 1), 0xffffffff);
  assert.equal(rd(ENABLE(0, 1)), 0x1ff, "sources 32..40 only");
  wr(ENABLE(0, 2), 0xffffffff);
  assert.equal(rd(ENABLE(0, 2)), 0);
  assert.equal(rd(ENABLE(1, 0)), 0, "contexts are independent");
  wr(THRESH(1), 0x1f);
  assert.equal(rd(THRESH(1)), 7);
  assert.equal(rd(THRESH(0)), 0);
  wr(PENDING(0), 0xffffffff);
  assert.equal(rd(PENDING(0)), 0, "pending bits are read-only");
  assert.equal(rd(THRESH(2)), 0, "context out of range reads 0");
  assert.equal(plic.size, 0x600000);
});

test("claim/complete flow for one level-triggered source", () => {
  const { rd, wr, plic, levels, calls } = mk(31, 1);
  const line = plic.line(10);
  wr(PRIO(10), 1);
  line.set(true);
  assert.equal(rd(PENDING(0)), 1 << 10);
  assert.equal(levels[0], false, "not enabled yet");
  wr(ENABLE(0), 1 << 10);
  assert.equal(levels[0], true);
  assert.equal(rd(CLAIM(0)), 10);
  assert.equal(levels[0], false);
  assert.equal(rd(PENDING(0)), 0);
  assert.equal(rd(CLAIM(0)), 0, "nothing else to claim");
  line.set(false);
  line.set(true); // still in service: gateway closed
  assert.equal(rd(PENDING(0)), 0);
  assert.equal(levels[0], false);
  wr(CLAIM(0), 10); // complete: line still high -> pending again
  assert.equal(levels[0], true);
  assert.equal(rd(CLAIM(0)), 10);
  line.set(false);
  wr(CLAIM(0), 10);
  assert.equal(levels[0], false);
  assert.equal(rd(PENDING(0)), 0);
  // Only real level changes reach setExternal, alternating.
  for (let i = 1; i < calls.length; i++) assert.notEqual(calls[i][1], calls[i - 1][1]);
  assert.equal(calls.length, 4);
});

test("a line dropped before claim withdraws the request", () => {
  const { rd, wr, plic, levels } = mk(31, 1);
  wr(PRIO(3), 1);
  wr(ENABLE(0), 1 << 3);
  plic.line(3).set(true);
  assert.equal(levels[0], true);
  plic.line(3).set(false);
  assert.equal(levels[0], false);
  assert.equal(rd(CLAIM(0)), 0);
});

test("priorities, ties and thresholds with multiple sources", () => {
  const { rd, wr, plic, levels } = mk(63, 1);
  wr(PRIO(5), 2);
  wr(PRIO(7), 6);
  wr(PRIO(9), 6);
  wr(PRIO(40), 3);
  wr(PRIO(12), 0); // priority 0 never interrupts
  wr(ENABLE(0, 0), (1 << 5) | (1 << 7) | (1 << 9) | (1 << 12));
  wr(ENABLE(0, 1), 1 << (40 - 32));
  for (const s of [5, 7, 9, 12, 40]) plic.line(s).set(true);
  assert.equal(rd(PENDING(1)), 1 << 8);
  wr(THRESH(0), 6);
  assert.equal(levels[0], false, "everything at or below threshold is masked");
  assert.equal(rd(CLAIM(0)), 0);
  wr(THRESH(0), 2);
  assert.equal(levels[0], true);
  assert.equal(rd(CLAIM(0)), 7, "highest priority, lowest id on ties");
  assert.equal(rd(CLAIM(0)), 9);
  assert.equal(rd(CLAIM(0)), 40);
  assert.equal(levels[0], false, "source 5 (prio 2) is not above threshold 2");
  wr(THRESH(0), 0);
  assert.equal(rd(CLAIM(0)), 5);
  assert.equal(rd(CLAIM(0)), 0, "priority-0 source 12 is never claimed");
  assert.equal(levels[0], false);
  for (const s of [5, 7, 9, 40]) plic.line(s).set(false);
  for (const s of [7, 9, 40, 5]) wr(CLAIM(0), s);
  assert.equal(rd(PENDING(0)), 1 << 12);
  assert.equal(rd(PENDING(1)), 0);
});

test("two contexts: shared source, per-context enables, complete needs enable", () => {
  const { rd, wr, plic, levels } = mk(31, 2);
  wr(PRIO(1), 1);
  wr(PRIO(2), 1);
  wr(ENABLE(0), (1 << 1) | (1 << 2));
  wr(ENABLE(1), 1 << 1);
  plic.line(1).set(true);
  assert.deepEqual(levels, [true, true]);
  assert.equal(rd(CLAIM(1)), 1);
  assert.deepEqual(levels, [false, false], "a claim by one hart takes it from all");
  assert.equal(rd(CLAIM(0)), 0);
  plic.line(2).set(true);
  assert.deepEqual(levels, [true, false]);
  assert.equal(rd(CLAIM(0)), 2);
  // Completing source 2 from context 1 (not enabled there) is ignored.
  wr(CLAIM(1), 2);
  assert.equal(rd(PENDING(0)), 0, "still in service");
  // Linux's eoi for a masked irq: enable, complete, disable.
  wr(ENABLE(1), (1 << 1) | (1 << 2));
  wr(CLAIM(1), 2);
  wr(ENABLE(1), 1 << 1);
  assert.equal(rd(PENDING(0)), 1 << 2, "line still high: pending again");
  assert.deepEqual(levels, [true, false]);
  // Bogus completions are ignored.
  wr(CLAIM(0), 0);
  wr(CLAIM(0), 99);
  wr(CLAIM(0), 1); // in service, but enabled on ctx0 too: valid completion
  assert.equal(rd(PENDING(0)), (1 << 1) | (1 << 2));
  assert.deepEqual(levels, [true, true]);
});

test("configurable window size (QEMU 0x4000000) and constructor validation", () => {
  const { plic, rd, wr } = mk(95, 4, 0x4000000);
  assert.equal(plic.size, 0x4000000);
  wr(THRESH(3), 4);
  assert.equal(rd(THRESH(3)), 4);
  assert.equal(plic.read(0x3fffffc, 4), 0);
  assert.equal(plic.read(0x4000000, 4), 0);
  const noop = () => {};
  assert.throws(() => new Plic(0, 1, noop));
  assert.throws(() => new Plic(1024, 1, noop));
  assert.throws(() => new Plic(31, 0, noop));
  assert.throws(() => new Plic(31, 1025, noop), /cannot hold/);
  assert.throws(() => plic.line(0));
  assert.throws(() => plic.line(96));
});

test("reset clears configuration but keeps asserted lines pending", () => {
  const { plic, rd, wr, levels } = mk(31, 1);
  wr(PRIO(4), 3);
  wr(ENABLE(0), 1 << 4);
  plic.line(4).set(true);
  assert.equal(rd(CLAIM(0)), 4);
  plic.reset();
  assert.equal(rd(PRIO(4)), 0);
  assert.equal(rd(PENDING(0)), 1 << 4);
  assert.equal(levels[0], false);
});

test("hostile accesses never throw", () => {
  const { plic } = mk(63, 3);
  assert.equal(plic.read(0x200004, 2), 0);
  assert.equal(plic.read(0x200006, 4), 0);
  assert.equal(plic.read(NaN, 4), 0);
  for (let s = 1; s <= 63; s++) plic.line(s).set(s % 3 === 0);
  let seed = 99;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const weird = [NaN, -4, Infinity, 2 ** 53, 0x600000, 1.5, -0, 0x7fffffff];
  const hot = [0, 4, 0x1000, 0x2000, 0x2080, 0x200000, 0x200004, 0x201004, 0x202004, 0x203004];
  for (let i = 0; i < 50000; i++) {
    const r = rnd();
    const off = r < 0.1 ? weird[i % weird.length] : r < 0.6 ? hot[Math.floor(rnd() * hot.length)] + 4 * Math.floor(rnd() * 3)
      : Math.floor(rnd() * 0x700000);
    const size = ([4, 4, 4, 1, 2, 8] as unknown as (1 | 2 | 4)[])[Math.floor(rnd() * 6)];
    const val = rnd() < 0.1 ? weird[i % weird.length] : Math.floor(rnd() * 2 ** 32);
    if (rnd() < 0.5) {
      const v = plic.read(off, size);
      assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
    } else plic.write(off, size, val);
    if (rnd() < 0.05) plic.line(1 + Math.floor(rnd() * 63)).set(rnd() < 0.5);
  }
});
