import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtioBlk, T_IN, T_OUT, T_FLUSH, T_GET_ID, T_DISCARD, T_WRITE_ZEROES, S_OK, S_IOERR, S_UNSUPP,
  BLK_F_RO, BLK_F_DISCARD } from "./blk.js";
import { MemDisk } from "./mem-backends.js";
import { TestDriver } from "./testing.js";
import { R } from "./mmio.js";

function setup(readonly = false, size = 1 << 20) {
  const disk = new MemDisk(size, readonly);
  const d = new TestDriver(new VirtioBlk(disk, "serial-123"));
  d.init();
  /** Submit a request; returns [status, used len]. */
  const req = (type: number, sector: number, data: { addr: number; len: number; write?: boolean }[]) => {
    const h = d.alloc(16);
    d.mem.writeU32(h, type);
    d.mem.writeU64(h + 8, sector % 2 ** 32, Math.floor(sector / 2 ** 32));
    const st = d.alloc(1, 0xff);
    d.post(0, [{ addr: h, len: 16 }, ...data, { addr: st, len: 1, write: true }]);
    d.kick(0);
    const u = d.used(0);
    assert.equal(u.length, 1);
    return [d.mem.readU8(st)!, u[0].len];
  };
  return { disk, d, req };
}

test("config space: capacity, seg_max, blk_size, features", () => {
  const { d } = setup(false, 3 << 20);
  assert.equal(d.mmio.read(R.CONFIG, 4), (3 << 20) / 512);
  assert.equal(d.mmio.read(R.CONFIG + 20, 4), 512);
  d.w(R.DEVICE_FEATURES_SEL, 0);
  assert.ok(d.r(R.DEVICE_FEATURES) & (1 << BLK_F_DISCARD));
  const ro = setup(true).d;
  ro.w(R.DEVICE_FEATURES_SEL, 0);
  assert.ok(ro.r(R.DEVICE_FEATURES) & (1 << BLK_F_RO));
});

test("write, read back, flush, get-id, discard and write-zeroes", () => {
  const { disk, d, req } = setup();
  const buf = d.alloc(1024);
  d.mem.view(buf, 1024)!.forEach((_, i, a) => { a[i] = i & 0xff; });
  assert.deepEqual(req(T_OUT, 2, [{ addr: buf, len: 512 }, { addr: buf + 512, len: 512 }]), [S_OK, 1]);
  assert.equal(disk.data[1024 + 3], 3);
  const back = d.alloc(1024, 0);
  assert.deepEqual(req(T_IN, 2, [{ addr: back, len: 1024, write: true }]), [S_OK, 1025]);
  assert.deepEqual(d.mem.view(back, 1024), d.mem.view(buf, 1024));
  assert.deepEqual(req(T_FLUSH, 0, []), [S_OK, 1]);
  assert.equal(disk.flushes, 1);
  const id = d.alloc(20, 0);
  assert.deepEqual(req(T_GET_ID, 0, [{ addr: id, len: 20, write: true }]), [S_OK, 21]);
  assert.equal(Buffer.from(d.mem.view(id, 10)!).toString(), "serial-123");
  const seg = d.alloc(16);
  d.mem.writeU64(seg, 2, 0);
  d.mem.writeU32(seg + 8, 1);
  d.mem.writeU32(seg + 12, 0);
  assert.deepEqual(req(T_DISCARD, 0, [{ addr: seg, len: 16 }]), [S_OK, 1]);
  assert.equal(disk.data[1024 + 3], 0);
  assert.equal(disk.data[1536 + 3], 3);
  d.mem.writeU32(seg + 12, 1); // unmap
  assert.deepEqual(req(T_WRITE_ZEROES, 0, [{ addr: seg, len: 16 }]), [S_OK, 1]);
  assert.deepEqual(req(T_DISCARD, 0, [{ addr: seg, len: 16 }]), [S_UNSUPP, 1]); // unmap flag on discard
});

test("malformed requests complete with IOERR / UNSUPP", () => {
  const { d, req } = setup();
  const buf = d.alloc(4096);
  assert.deepEqual(req(T_IN, 2048, [{ addr: buf, len: 512, write: true }]), [S_IOERR, 1]); // past the end
  assert.deepEqual(req(T_IN, 2047, [{ addr: buf, len: 1024, write: true }]), [S_IOERR, 1]); // straddles it
  assert.deepEqual(req(T_IN, 0, [{ addr: buf, len: 100, write: true }]), [S_IOERR, 1]); // not whole sectors
  assert.deepEqual(req(T_IN, 0, [{ addr: buf, len: 512 }]), [S_IOERR, 1]); // data buffer read-only
  assert.deepEqual(req(T_OUT, 0, [{ addr: buf, len: 512, write: true }]), [S_IOERR, 1]); // wrong direction
  assert.deepEqual(req(T_IN, 2 ** 60, [{ addr: buf, len: 512, write: true }]), [S_IOERR, 1]); // sector overflow
  assert.deepEqual(req(77, 0, []), [S_UNSUPP, 1]);
  assert.deepEqual(req(T_IN, 0, [{ addr: 0x1000, len: 512, write: true }]), [S_IOERR, 1]); // outside RAM
  assert.deepEqual(req(T_IN, 0, [{ addr: buf, len: 0xffffffff, write: true }]), [S_IOERR, 1]); // huge length
  // Header too short.
  const st = d.alloc(1, 0xff);
  d.post(0, [{ addr: buf, len: 8 }, { addr: st, len: 1, write: true }]);
  d.kick(0);
  assert.equal(d.mem.readU8(st), S_IOERR);
  // No status byte at all: returned with nothing written, device still fine.
  d.post(0, [{ addr: buf, len: 16 }]);
  d.kick(0);
  assert.deepEqual(d.used(0).map((u) => u.len), [1, 0]);
  assert.equal(d.status & 64, 0);
  assert.ok(d.guardsIntact());
});

test("read-only disks refuse writes and discards", () => {
  const { req, d } = setup(true);
  const buf = d.alloc(512);
  assert.deepEqual(req(T_OUT, 0, [{ addr: buf, len: 512 }]), [S_IOERR, 1]);
  assert.deepEqual(req(T_IN, 0, [{ addr: buf, len: 512, write: true }]), [S_OK, 513]);
});
