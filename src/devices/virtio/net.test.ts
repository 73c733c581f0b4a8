import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtioNet, NET_HDR_LEN, RX, TX } from "./net.js";
import { VirtioConsole } from "./console.js";
import { VirtioRng } from "./rng.js";
import { MemConsole, MemNic } from "./mem-backends.js";
import { TestDriver } from "./testing.js";
import { R } from "./mmio.js";

const MAC = Uint8Array.from([2, 0, 0, 0, 0, 9]);

test("virtio-net: MAC in config, transmit gathers, receive fills and interrupts", () => {
  const nic = new MemNic();
  const d = new TestDriver(new VirtioNet(nic, MAC));
  d.init();
  assert.equal(d.mmio.read(R.CONFIG + 5, 1), 9);
  assert.equal(d.mmio.read(R.CONFIG + 6, 2), 1); // link up
  const hdr = d.alloc(NET_HDR_LEN, 0);
  const body = d.alloc(60, 0x42);
  d.post(TX, [{ addr: hdr, len: NET_HDR_LEN }, { addr: body, len: 60 }]);
  d.kick(TX);
  assert.equal(nic.sent.length, 1);
  assert.equal(nic.sent[0].length, 72);
  assert.equal(nic.sent[0][71], 0x42);
  assert.deepEqual(d.used(TX).map((u) => u.len), [0]);

  // No frame yet: the buffer stays available and the backend is armed.
  const rx = d.alloc(1526, 0);
  d.post(RX, [{ addr: rx, len: 1526, write: true }]);
  d.kick(RX);
  assert.equal(d.used(RX).length, 0);
  assert.ok(nic.arms >= 1);
  const frame = new Uint8Array(NET_HDR_LEN + 64).fill(7);
  frame.fill(0, 0, NET_HDR_LEN);
  nic.inbox.push(frame);
  d.w(R.INTERRUPT_ACK, 3);
  d.mmio.poll(); // the VMM loop after the backend's wake-up
  assert.deepEqual(d.used(RX).map((u) => u.len), [NET_HDR_LEN + 64]);
  assert.equal(d.mem.readU16(rx + 10), 1); // num_buffers
  assert.equal(d.mem.readU8(rx + NET_HDR_LEN), 7);
  assert.ok(d.irq.level);
  // A frame split over two buffers.
  const a = d.alloc(8, 0), b = d.alloc(100, 0);
  d.post(RX, [{ addr: a, len: 8, write: true }, { addr: b, len: 100, write: true }]);
  nic.inbox.push(frame);
  d.kick(RX);
  assert.deepEqual(d.used(RX).map((u) => u.len), [NET_HDR_LEN + 64]);
  assert.equal(d.mem.readU16(b + 2), 1); // num_buffers landed in the second buffer
  assert.ok(d.guardsIntact());
});

test("virtio-net: bad transmit chains are dropped, the device keeps going", () => {
  const nic = new MemNic();
  const dev = new VirtioNet(nic, MAC);
  const d = new TestDriver(dev);
  d.init();
  d.post(TX, [{ addr: 0x10, len: 100 }]); // outside RAM
  d.post(TX, [{ addr: d.alloc(4), len: 4 }]); // shorter than the header
  d.kick(TX);
  assert.equal(nic.sent.length, 0);
  assert.equal(dev.stats.txDropped, 2);
  assert.equal(d.used(TX).length, 2);
  assert.equal(d.status & 64, 0);
});

test("virtio-console: output and input", () => {
  const sink = new MemConsole();
  const con = new VirtioConsole(sink);
  const d = new TestDriver(con);
  d.init();
  const t = d.alloc(5);
  d.mem.view(t, 5)!.set(Buffer.from("hello"));
  d.post(1, [{ addr: t, len: 5 }]);
  d.kick(1);
  assert.equal(sink.text, "hello");
  con.receive(Buffer.from("typed"));
  const r1 = d.alloc(3, 0), r2 = d.alloc(16, 0);
  d.post(0, [{ addr: r1, len: 3, write: true }]);
  d.post(0, [{ addr: r2, len: 16, write: true }]);
  d.kick(0);
  assert.deepEqual(d.used(0).map((u) => u.len), [3, 2]);
  assert.equal(Buffer.from(d.mem.view(r1, 3)!).toString() + Buffer.from(d.mem.view(r2, 2)!).toString(), "typed");
});

test("virtio-console: while the sink is full, transmit buffers stay with the device; they go on in order", () => {
  const sink = new MemConsole();
  sink.space = 0;
  const d = new TestDriver(new VirtioConsole(sink));
  d.init();
  const big = d.alloc(10000);
  d.mem.view(big, 10000)!.fill(0x61);
  const small = d.alloc(3);
  d.mem.view(small, 3)!.set(Buffer.from("xyz"));
  d.post(1, [{ addr: big, len: 10000 }]);
  d.post(1, [{ addr: small, len: 3 }]);
  d.kick(1);
  assert.deepEqual(d.used(1), [], "nothing consumed while full");
  assert.equal(sink.out.length, 0);
  sink.space = 6000; // room for part of the first request: still not used
  d.mmio.poll();
  assert.equal(sink.out.length, 6000);
  assert.deepEqual(d.used(1), []);
  sink.space = Infinity;
  d.mmio.poll(); // the VMM loop polls: no new kick needed
  assert.deepEqual(d.used(1).map((u) => u.len), [0, 0]);
  assert.equal(sink.text, "a".repeat(10000) + "xyz");
});

test("virtio-rng: fills buffers", () => {
  const d = new TestDriver(new VirtioRng());
  d.init();
  const a = d.alloc(64, 0);
  d.post(0, [{ addr: a, len: 64, write: true }]);
  d.kick(0);
  assert.deepEqual(d.used(0).map((u) => u.len), [64]);
  assert.ok(d.mem.view(a, 64)!.some((x) => x !== 0));
});
