import { test } from "node:test";
import assert from "node:assert/strict";
import { R, STATUS_NEEDS_RESET, STATUS_FEATURES_OK, STATUS_DRIVER_OK, VIRTIO_MMIO_MAGIC, VirtioMmioPlaceholder,
  type VirtioContext, type VirtioDevice } from "./mmio.js";
import { TestDriver, RAM } from "./testing.js";
import { readFromChain } from "./queue.js";

/** Echo device: copies each chain's readable bytes into its writable ones. */
class Echo implements VirtioDevice {
  readonly deviceId = 42;
  readonly queueSizes = [16, 8];
  readonly features = 1n << 3n;
  readonly config = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  ctx: VirtioContext | null = null;
  notified: number[] = [];
  activate(ctx: VirtioContext) { this.ctx = ctx; }
  reset() { this.ctx = null; }
  notify(q: number) {
    this.notified.push(q);
    const ctx = this.ctx!;
    const vq = ctx.queues[q];
    do {
      for (let c = vq.pop(ctx.mem); c; c = vq.pop(ctx.mem)) {
        let n = 0;
        if (c.fault === null && c.writable.length > 0) {
          const tmp = new Uint8Array(Math.min(c.readLen, c.writeLen));
          readFromChain(c, 0, tmp);
          c.writable[0].set(tmp.subarray(0, c.writable[0].length));
          n = Math.min(tmp.length, c.writable[0].length);
        }
        vq.push(c.head, n);
      }
      ctx.signalUsed(q);
    } while (vq.armNotify());
  }
}

test("identification registers and config space", () => {
  const d = new TestDriver(new Echo());
  assert.equal(d.r(R.MAGIC), VIRTIO_MMIO_MAGIC);
  assert.equal(d.r(R.VERSION), 2);
  assert.equal(d.r(R.DEVICE_ID), 42);
  assert.equal(d.mmio.read(R.CONFIG, 4), 0x04030201);
  assert.equal(d.mmio.read(R.CONFIG + 6, 2), 0x0807);
  assert.equal(d.mmio.read(R.CONFIG + 7, 2), 0); // past the end
  assert.equal(d.mmio.read(R.MAGIC, 2), 0); // registers are 32-bit only
  const p = new VirtioMmioPlaceholder("empty");
  assert.equal(p.read(R.MAGIC, 4), VIRTIO_MMIO_MAGIC);
  assert.equal(p.read(R.DEVICE_ID, 4), 0);
});

test("feature negotiation: VERSION_1 required, unknown bits refused", () => {
  const d = new TestDriver(new Echo());
  d.w(R.DEVICE_FEATURES_SEL, 1);
  assert.equal(d.r(R.DEVICE_FEATURES) & 1, 1); // VIRTIO_F_VERSION_1
  d.init({ features: 1n << 3n, driverOk: false }); // legacy driver: no VERSION_1
  assert.equal(d.status & STATUS_FEATURES_OK, 0);
  d.init({ features: (1n << 32n) | (1n << 5n), driverOk: false }); // bit 5 not offered
  assert.equal(d.status & STATUS_FEATURES_OK, 0);
  d.init({ features: (1n << 32n) | (1n << 3n) });
  assert.equal(d.status & (STATUS_FEATURES_OK | STATUS_DRIVER_OK), STATUS_FEATURES_OK | STATUS_DRIVER_OK);
});

test("a request travels through the queue, interrupt and ack", () => {
  const dev = new Echo();
  const d = new TestDriver(dev);
  d.init();
  const src = d.alloc(4);
  d.mem.view(src, 4)!.set([9, 8, 7, 6]);
  const dst = d.alloc(4, 0);
  const head = d.post(0, [{ addr: src, len: 4 }, { addr: dst, len: 4, write: true }]);
  d.kick(0);
  assert.deepEqual(d.used(0), [{ id: head, len: 4 }]);
  assert.deepEqual([...d.mem.view(dst, 4)!], [9, 8, 7, 6]);
  assert.equal(d.r(R.INTERRUPT_STATUS), 1);
  assert.equal(d.irq.level, true);
  d.w(R.INTERRUPT_ACK, 1);
  assert.equal(d.irq.level, false);
  // Indirect chain.
  const dst2 = d.alloc(4, 0);
  const h2 = d.postIndirect(0, [{ addr: src, len: 2 }, { addr: src + 2, len: 2 }, { addr: dst2, len: 4, write: true }]);
  d.kick(0);
  assert.deepEqual(d.used(0), [{ id: h2, len: 4 }]);
  assert.deepEqual([...d.mem.view(dst2, 4)!], [9, 8, 7, 6]);
});

test("EVENT_IDX: used_event suppresses interrupts, avail_event asks for the next kick", () => {
  const d = new TestDriver(new Echo());
  d.init();
  const avail = RAM + 0x8000;
  const used = RAM + 0xc000;
  d.mem.writeU16(avail + 4 + 2 * 16, 5); // used_event: interrupt when used idx passes 5
  const src = d.alloc(1);
  for (let i = 0; i < 3; i++) d.post(0, [{ addr: src, len: 1 }]);
  d.kick(0);
  assert.equal(d.used(0).length, 3);
  // The first decision after DRIVER_OK always interrupts; ack and go on.
  d.w(R.INTERRUPT_ACK, 1);
  d.post(0, [{ addr: src, len: 1 }]); // used idx 4: not past 5
  d.kick(0);
  assert.equal(d.irq.level, false);
  d.post(0, [{ addr: src, len: 1 }]);
  d.post(0, [{ addr: src, len: 1 }]); // used idx 6: crosses used_event + 1
  d.kick(0);
  assert.equal(d.irq.level, true);
  assert.equal(d.mem.readU16(used + 4 + 8 * 16), 6); // avail_event = next avail index
});

test("hostile transport use: bad queue sizes, rings outside RAM, early and stray notifies", () => {
  const mk = () => { const d = new TestDriver(new Echo()); d.init({ driverOk: false }); return d; };
  let d = mk();
  d.w(R.QUEUE_SEL, 0);
  d.w(R.QUEUE_READY, 0);
  d.w(R.QUEUE_NUM, 12); // not a power of two
  d.w(R.QUEUE_READY, 1);
  assert.ok(d.status & STATUS_NEEDS_RESET);
  assert.match(d.mmio.lastError!, /power of two/);
  d = mk();
  d.w(R.QUEUE_SEL, 1);
  d.w(R.QUEUE_READY, 0);
  d.w(R.QUEUE_DESC_LOW, 0x1000); // below RAM
  d.w(R.QUEUE_READY, 1);
  assert.ok(d.status & STATUS_NEEDS_RESET);
  d = mk();
  d.w(R.QUEUE_SEL, 0);
  d.w(R.QUEUE_READY, 0);
  d.w(R.QUEUE_DESC_HIGH, 0xffffffff); // address beyond 2^53
  d.w(R.QUEUE_READY, 1);
  assert.ok(d.status & STATUS_NEEDS_RESET);
  // Notify before DRIVER_OK: nothing happens until the driver is ready, then it is served.
  const dev = new Echo();
  d = new TestDriver(dev);
  d.init({ driverOk: false });
  const src = d.alloc(1);
  d.post(0, [{ addr: src, len: 1 }]);
  d.kick(0);
  assert.deepEqual(dev.notified, []);
  d.w(R.STATUS, d.status | STATUS_DRIVER_OK);
  d.mmio.poll();
  assert.deepEqual(dev.notified, [0]);
  assert.equal(d.used(0).length, 1);
  d.kick(7); // no such queue
  assert.ok(d.status & STATUS_NEEDS_RESET);
  assert.ok(d.irq.level); // config change interrupt
  assert.equal(d.r(R.INTERRUPT_STATUS) & 2, 2);
  // Reset recovers.
  d.init();
  assert.equal(d.status & STATUS_NEEDS_RESET, 0);
  d.post(0, [{ addr: src, len: 1 }]);
  d.kick(0);
  assert.equal(d.used(0).length, 1);
});

test("corrupt queues set DEVICE_NEEDS_RESET; bad buffers only fail their request", () => {
  const d = new TestDriver(new Echo());
  d.init();
  const buf = d.alloc(16);
  // Buffer outside RAM: the chain comes back with fault set (Echo writes nothing).
  d.post(0, [{ addr: 0x1000, len: 16 }, { addr: buf, len: 16, write: true }]);
  d.kick(0);
  assert.deepEqual(d.used(0).map((u) => u.len), [0]);
  assert.equal(d.status & STATUS_NEEDS_RESET, 0);
  // Loop: descriptor 5 -> 6 -> 5.
  d.setDesc(0, 5, buf, 1, 1, 6);
  d.setDesc(0, 6, buf, 1, 1, 5);
  d.publish(0, 5);
  d.kick(0);
  assert.ok(d.status & STATUS_NEEDS_RESET);
  assert.match(d.mmio.lastError!, /loops/);
  assert.ok(d.guardsIntact());
});
