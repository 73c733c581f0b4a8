// A minimal virtio driver for tests and fuzzing: guest RAM with guard bytes around it, a device on
// the virtio-mmio transport, and helpers to negotiate, lay out queues and post descriptor chains.
import { SharedGuestMemory } from "../guest-memory.js";
import { R, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK, VirtioMmio, type VirtioDevice } from "./mmio.js";

export const RAM = 0x80000000;
export const GUARD = 4096;
export const GUARD_BYTE = 0xa5;
const QUEUE_AREA = 0x10000; // per queue: descriptors, avail and used rings
const DATA = 0x100000; // buffers are allocated from here

export interface Buf {
  addr: number;
  len: number;
  write?: boolean;
}

export class TestDriver {
  readonly bytes: Uint8Array; // guard + RAM + guard
  readonly mem: SharedGuestMemory;
  readonly irq = { level: false, set(l: boolean) { this.level = l; } };
  readonly mmio: VirtioMmio;
  readonly logs: string[] = [];
  private next = DATA;
  private readonly freeDesc: number[] = [];
  private readonly availIdx: number[] = [];
  private readonly usedSeen: number[] = [];

  constructor(readonly dev: VirtioDevice, readonly ramSize = 4 << 20) {
    this.bytes = new Uint8Array(new SharedArrayBuffer(ramSize + 2 * GUARD));
    this.bytes.fill(GUARD_BYTE, 0, GUARD);
    this.bytes.fill(GUARD_BYTE, GUARD + ramSize);
    this.mem = new SharedGuestMemory(this.bytes.buffer, GUARD, RAM, ramSize);
    this.mmio = new VirtioMmio("test", dev, this.mem, this.irq, (_kind, m) => this.logs.push(m));
  }

  /** Whether the guard bytes around RAM are untouched. */
  guardsIntact(): boolean {
    const b = this.bytes;
    for (let i = 0; i < GUARD; i++) if (b[i] !== GUARD_BYTE || b[GUARD + this.ramSize + i] !== GUARD_BYTE) return false;
    return true;
  }

  r(off: number): number {
    return this.mmio.read(off, 4);
  }

  w(off: number, v: number): void {
    this.mmio.write(off, 4, v);
  }

  /** Negotiate `features` (default: all offered) and set up every queue with `size` entries. */
  init(o: { features?: bigint; size?: number; driverOk?: boolean } = {}): void {
    this.w(R.STATUS, 0);
    this.w(R.STATUS, STATUS_ACKNOWLEDGE);
    this.w(R.STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    this.w(R.DEVICE_FEATURES_SEL, 0);
    let offered = BigInt(this.r(R.DEVICE_FEATURES));
    this.w(R.DEVICE_FEATURES_SEL, 1);
    offered |= BigInt(this.r(R.DEVICE_FEATURES)) << 32n;
    const f = o.features ?? offered;
    this.w(R.DRIVER_FEATURES_SEL, 0);
    this.w(R.DRIVER_FEATURES, Number(f & 0xffffffffn));
    this.w(R.DRIVER_FEATURES_SEL, 1);
    this.w(R.DRIVER_FEATURES, Number(f >> 32n));
    this.w(R.STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    for (let q = 0; q < this.dev.queueSizes.length; q++) {
      const size = Math.min(o.size ?? 16, this.dev.queueSizes[q]);
      this.w(R.QUEUE_SEL, q);
      this.w(R.QUEUE_NUM, size);
      const base = RAM + q * QUEUE_AREA;
      this.w(R.QUEUE_DESC_LOW, base);
      this.w(R.QUEUE_DRIVER_LOW, base + 0x8000);
      this.w(R.QUEUE_DEVICE_LOW, base + 0xc000);
      this.w(R.QUEUE_READY, 1);
      this.freeDesc[q] = 0;
      this.availIdx[q] = 0;
      this.usedSeen[q] = 0;
    }
    if (o.driverOk !== false) this.w(R.STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  }

  /** Bytes of guest RAM for buffers (never reused). */
  alloc(len: number, fill?: number): number {
    const a = RAM + this.next;
    this.next += (len + 15) & ~15;
    if (this.next > this.ramSize) throw new Error("test driver: out of RAM");
    if (fill !== undefined) this.mem.view(a, len)!.fill(fill);
    return a;
  }

  descAddr(q: number): number {
    return RAM + q * QUEUE_AREA;
  }

  /** Write descriptor i of queue q's table. */
  setDesc(q: number, i: number, addr: number, len: number, flags: number, next: number): void {
    const d = this.descAddr(q) + 16 * i;
    this.mem.writeU64(d, addr % 0x100000000, Math.floor(addr / 0x100000000));
    this.mem.writeU32(d + 8, len);
    this.mem.writeU16(d + 12, flags);
    this.mem.writeU16(d + 14, next);
  }

  /** Put head index `head` into the available ring and publish it. */
  publish(q: number, head: number, size = 16): void {
    const avail = this.descAddr(q) + 0x8000;
    this.mem.writeU16(avail + 4 + 2 * (this.availIdx[q] % size), head);
    this.availIdx[q] = (this.availIdx[q] + 1) & 0xffff;
    this.mem.writeU16(avail + 2, this.availIdx[q]);
  }

  /** Post a chain of direct descriptors; returns its head. */
  post(q: number, bufs: Buf[], size = 16): number {
    const head = this.freeDesc[q] % size;
    bufs.forEach((b, k) => {
      const i = (head + k) % size;
      const last = k === bufs.length - 1;
      this.setDesc(q, i, b.addr, b.len, (last ? 0 : 1) | (b.write ? 2 : 0), (i + 1) % size);
    });
    this.freeDesc[q] += bufs.length;
    this.publish(q, head, size);
    return head;
  }

  /** Post a chain through one indirect table. */
  postIndirect(q: number, bufs: Buf[], size = 16): number {
    const table = this.alloc(16 * bufs.length);
    bufs.forEach((b, k) => {
      const d = table + 16 * k;
      this.mem.writeU64(d, b.addr % 0x100000000, Math.floor(b.addr / 0x100000000));
      this.mem.writeU32(d + 8, b.len);
      this.mem.writeU16(d + 12, (k === bufs.length - 1 ? 0 : 1) | (b.write ? 2 : 0));
      this.mem.writeU16(d + 14, k + 1);
    });
    const head = this.freeDesc[q] % size;
    this.setDesc(q, head, table, 16 * bufs.length, 4, 0);
    this.freeDesc[q] += 1;
    this.publish(q, head, size);
    return head;
  }

  kick(q: number): void {
    this.w(R.QUEUE_NOTIFY, q);
    this.mmio.poll();
  }

  /** New used-ring entries of queue q since the last call. */
  used(q: number, size = 16): { id: number; len: number }[] {
    const used = this.descAddr(q) + 0xc000;
    const idx = this.mem.readU16(used + 2)!;
    const out: { id: number; len: number }[] = [];
    while (this.usedSeen[q] !== idx) {
      const e = used + 4 + 8 * (this.usedSeen[q] % size);
      out.push({ id: this.mem.readU32(e)!, len: this.mem.readU32(e + 4)! });
      this.usedSeen[q] = (this.usedSeen[q] + 1) & 0xffff;
    }
    return out;
  }

  get status(): number {
    return this.r(R.STATUS);
  }
}
