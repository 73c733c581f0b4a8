import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import * as Z from "./zone-block.js";
import { ConsoleDrain, ZoneControl } from "./zone-control.js";

const newBlock = () => new SharedArrayBuffer(Z.ZONE_CTL_OFF + 0x10000);

test("console ring: writes what fits, wraps around, and a full ring takes nothing", () => {
  const ctl = new ZoneControl(newBlock());
  ctl.reset();
  assert.equal(ctl.consoleRoom(), Z.ZC_CONOUT_SIZE);
  assert.equal(ctl.takeConsole(), null);
  const a = new Uint8Array(Z.ZC_CONOUT_SIZE - 10).fill(0x61);
  assert.equal(ctl.writeConsole(a), a.length);
  assert.equal(ctl.writeConsole(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), 10, "only what fits");
  assert.equal(ctl.writeConsole(Uint8Array.of(0)), 0);
  assert.equal(ctl.takeConsole()!.length, Z.ZC_CONOUT_SIZE);
  // the next write wraps around the end of the buffer
  const b = Uint8Array.from({ length: 100 }, (_, i) => i);
  assert.equal(ctl.writeConsole(b.subarray(0, 20)), 20);
  assert.deepEqual(ctl.takeConsole(), b.subarray(0, 20));
  assert.equal(ctl.writeConsole(b), 100);
  assert.deepEqual(ctl.takeConsole(), b);
});

test("console ring: taking output after the ring was full rings the VMM's doorbell", () => {
  const ctl = new ZoneControl(newBlock());
  ctl.reset();
  const bell = () => Atomics.load(ctl.words, ctl.doorbellIndex);
  ctl.writeConsole(new Uint8Array(Z.ZC_CONOUT_SIZE));
  const before = bell();
  ctl.takeConsole();
  assert.equal(bell(), before, "nobody asked for room");
  assert.equal(ctl.writeConsole(new Uint8Array(Z.ZC_CONOUT_SIZE + 1)), Z.ZC_CONOUT_SIZE); // one byte did not fit
  ctl.takeConsole();
  assert.equal(bell(), before + 1, "the producer that found it full is told");
});

// Producers in threads, each writing bytes k * 64 + (i % 64) for i = 0..N-1, retrying what did
// not fit. The owner drains with pauses: every producer's bytes must come out complete and in order.
const PRODUCER = `
const { workerData } = require("node:worker_threads");
import(workerData.control).then(({ ZoneControl }) => {
  const ctl = new ZoneControl(workerData.buffer);
  const data = Uint8Array.from({ length: workerData.n }, (_, i) => workerData.k * 64 + (i % 64));
  for (let off = 0; off < data.length;) {
    const n = ctl.writeConsole(data.subarray(off, off + 1 + ((off * 7919) % 3000)));
    off += n;
    if (n === 0) ctl.waitConsoleRoom(1);
  }
});`;

test("console ring: three producer threads and a pausing consumer lose and reorder nothing", async () => {
  const buffer = newBlock();
  const ctl = new ZoneControl(buffer);
  ctl.reset();
  const N = 300_000;
  const got: number[][] = [[], [], []];
  let total = 0;
  let chunks = 0;
  const drain = new ConsoleDrain(ctl, (d) => {
    for (const b of d) got[b >> 6].push(b & 63);
    total += d.length;
    if (++chunks % 50 === 0) { // a consumer that falls behind now and then
      drain.pause();
      setTimeout(() => drain.resume(), 2);
    }
  });
  drain.start();
  const control = new URL("./zone-control.js", import.meta.url).href;
  const workers = [0, 1, 2].map((k) => new Worker(PRODUCER, { eval: true, workerData: { buffer, k, n: N, control } }));
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => { w.on("exit", resolve); w.on("error", reject); })));
  drain.close();
  assert.equal(total, 3 * N);
  for (const seq of got) {
    assert.equal(seq.length, N);
    assert.ok(seq.every((v, i) => v === i % 64), "in order");
  }
});
