// Split virtqueue, device side (virtio 1.2 §2.7): descriptor table, available and used rings,
// indirect descriptors and VIRTIO_F_EVENT_IDX. The driver is hostile: every index, length and
// address it wrote is checked, and guest RAM is only reached through GuestMemory views.
//
// Two kinds of failure:
//  - the queue itself is corrupt (avail index jumps, head/next index out of range, descriptor
//    loops, bad indirect tables): the queue is `broken` and the transport sets DEVICE_NEEDS_RESET;
//  - one request's buffers are unusable (outside RAM, lengths that overflow, a readable buffer after
//    a writable one): the chain is returned with `fault` set and the device fails that request.
import type { GuestMemory } from "../types.js";

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
export const MAX_QUEUE_SIZE = 32768;
/** Largest indirect table accepted (entries); Linux uses at most a few hundred. */
export const MAX_INDIRECT = 1024;
/** A request's buffers may add up to at most this many bytes (keeps all sums exact). */
export const MAX_CHAIN_BYTES = 0xffffffff;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error("virtio: little-endian host required");

/** One request: a descriptor chain split into device-readable then device-writable buffers. */
export class Chain {
  head = 0;
  readonly readable: Uint8Array[] = [];
  readonly writable: Uint8Array[] = [];
  readLen = 0;
  writeLen = 0;
  /** Why the request cannot be served (buffers outside RAM, ...); null when fine. */
  fault: string | null = null;
  /** The chain's last descriptor when it is device-writable and inside RAM (blk's status byte). */
  tail: Uint8Array | null = null;
}

function ringView(mem: GuestMemory, gpa: number, len: number, align: number): Uint8Array | null {
  if (gpa % align !== 0) return null;
  const v = mem.view(gpa, len);
  return v !== null && v.byteOffset % 4 === 0 ? v : null;
}

export class VirtQueue {
  // Driver-written configuration (transport registers).
  num = 0;
  descAddr = 0;
  availAddr = 0;
  usedAddr = 0;
  ready = false;
  /** Negotiated features the ring honours. */
  indirect = false;
  eventIdx = false;
  /** Non-null once the driver corrupted the queue; nothing more is processed until reset. */
  broken: string | null = null;

  private desc: DataView | null = null;
  private avail16: Uint16Array | null = null;
  private used16: Uint16Array | null = null;
  private used32: Uint32Array | null = null;
  private lastAvail = 0; // next avail ring entry the device reads (free-running u16)
  private usedIdx = 0; // next used ring entry the device writes (free-running u16)
  private signalled = 0; // used index at the last interrupt decision
  private signalledValid = false;

  constructor(readonly maxSize: number, readonly index = 0) {
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > MAX_QUEUE_SIZE || (maxSize & (maxSize - 1)) !== 0) {
      throw new Error(`virtqueue: bad maximum size ${maxSize}`);
    }
    this.num = maxSize;
  }

  reset(): void {
    this.num = this.maxSize;
    this.descAddr = this.availAddr = this.usedAddr = 0;
    this.ready = false;
    this.broken = null;
    this.desc = this.avail16 = this.used16 = this.used32 = null;
    this.lastAvail = this.usedIdx = this.signalled = 0;
    this.signalledValid = false;
  }

  /** QueueReady = 1: validate the driver's layout and map the rings. Returns an error or null. */
  enable(mem: GuestMemory): string | null {
    const n = this.num;
    if (!Number.isInteger(n) || n < 1 || n > this.maxSize) return `queue ${this.index}: size ${n} not in 1..${this.maxSize}`;
    if ((n & (n - 1)) !== 0) return `queue ${this.index}: size ${n} is not a power of two`;
    const d = ringView(mem, this.descAddr, 16 * n, 16);
    const a = ringView(mem, this.availAddr, 6 + 2 * n, 2);
    const u = ringView(mem, this.usedAddr, 6 + 8 * n, 4);
    if (d === null) return `queue ${this.index}: descriptor table 0x${this.descAddr.toString(16)} misaligned or outside RAM`;
    if (a === null) return `queue ${this.index}: available ring 0x${this.availAddr.toString(16)} misaligned or outside RAM`;
    if (u === null) return `queue ${this.index}: used ring 0x${this.usedAddr.toString(16)} misaligned or outside RAM`;
    this.desc = new DataView(d.buffer, d.byteOffset, d.byteLength);
    this.avail16 = new Uint16Array(a.buffer, a.byteOffset, 3 + n);
    this.used16 = new Uint16Array(u.buffer, u.byteOffset, 3 + 4 * n);
    this.used32 = new Uint32Array(u.buffer, u.byteOffset, 1 + 2 * n);
    this.lastAvail = this.usedIdx = this.signalled = 0;
    this.signalledValid = false;
    this.ready = true;
    return null;
  }

  private fail(reason: string): null {
    this.broken ??= `queue ${this.index}: ${reason}`;
    return null;
  }

  private corrupt(reason: string): false {
    this.fail(reason);
    return false;
  }

  /** Whether the driver has made buffers available that the device has not taken yet. */
  hasAvail(): boolean {
    if (!this.ready || this.broken !== null) return false;
    return Atomics.load(this.avail16!, 1) !== this.lastAvail;
  }

  /** Take the next available chain; null when none (or the queue broke: see `broken`). */
  pop(mem: GuestMemory): Chain | null {
    if (!this.ready || this.broken !== null) return null;
    const avail = this.avail16!;
    const pending = (Atomics.load(avail, 1) - this.lastAvail) & 0xffff;
    if (pending === 0) return null;
    if (pending > this.num) return this.fail(`available index ran ${pending} entries ahead of a ${this.num}-entry ring`);
    const head = avail[2 + (this.lastAvail & (this.num - 1))];
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (head >= this.num) return this.fail(`head descriptor ${head} out of range`);
    const chain = new Chain();
    chain.head = head;
    return this.walk(mem, chain) ? chain : null;
  }

  /** Give back the `count` most recently popped chains unserved (e.g. no room for them yet). */
  unpop(count = 1): void {
    this.lastAvail = (this.lastAvail - count) & 0xffff;
  }

  private walk(mem: GuestMemory, c: Chain): boolean {
    let table = this.desc!;
    let size = this.num;
    let i = c.head;
    let seen = 0;
    let inIndirect = false;
    let total = 0;
    for (;;) {
      if (++seen > size) return this.corrupt(`descriptor chain from ${c.head} loops or is longer than its table`);
      const o = i * 16;
      const lo = table.getUint32(o, true);
      const hi = table.getUint32(o + 4, true);
      const len = table.getUint32(o + 8, true);
      const flags = table.getUint16(o + 12, true);
      const next = table.getUint16(o + 14, true);
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.indirect) return this.corrupt("indirect descriptor without VIRTIO_F_INDIRECT_DESC");
        if (inIndirect) return this.corrupt("indirect descriptor inside an indirect table");
        if (flags & VIRTQ_DESC_F_NEXT) return this.corrupt("indirect descriptor with NEXT set");
        if (len === 0 || len % 16 !== 0 || len / 16 > MAX_INDIRECT) return this.corrupt(`indirect table length ${len}`);
        const v = hi > 0x1fffff ? null : mem.view(hi * 0x100000000 + lo, len);
        if (v === null) return this.corrupt("indirect table outside guest RAM");
        table = new DataView(v.buffer, v.byteOffset, v.byteLength);
        size = len / 16;
        i = 0;
        seen = 0;
        inIndirect = true;
        continue;
      }
      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
      let v: Uint8Array | null = null;
      if (c.fault === null) {
        total += len;
        if (total > MAX_CHAIN_BYTES) c.fault = "buffer lengths overflow";
        else if (!writable && c.writable.length > 0) c.fault = "device-readable buffer after a device-writable one";
        else if (len > 0) {
          v = hi > 0x1fffff ? null : mem.view(hi * 0x100000000 + lo, len);
          if (v === null) c.fault = `buffer 0x${(hi * 0x100000000 + lo).toString(16)}+${len} outside guest RAM`;
          else if (writable) { c.writable.push(v); c.writeLen += len; }
          else { c.readable.push(v); c.readLen += len; }
        }
      }
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) {
        // Even in a faulty chain, a usable last buffer can carry the failure status.
        if (writable && len > 0) c.tail = v ?? (hi > 0x1fffff ? null : mem.view(hi * 0x100000000 + lo, len));
        return true;
      }
      if (next >= size) return this.corrupt(`next descriptor ${next} out of range`);
      i = next;
    }
  }

  /** Return a chain to the driver with `written` bytes written into its writable buffers. */
  push(head: number, written: number): void {
    if (!this.ready || this.broken !== null) return;
    const slot = this.usedIdx & (this.num - 1);
    this.used32![1 + 2 * slot] = head;
    this.used32![2 + 2 * slot] = written >>> 0;
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    Atomics.store(this.used16!, 1, this.usedIdx); // seq-cst: the entry is visible before the index
  }

  /**
   * After pushes: whether the driver wants an interrupt now (avail flags or used_event). Each call
   * consumes the pushes made since the previous one.
   */
  needsInterrupt(): boolean {
    if (!this.ready || this.broken !== null) return false;
    const now = this.usedIdx;
    const old = this.signalled;
    const valid = this.signalledValid;
    this.signalled = now;
    this.signalledValid = true;
    if (valid && now === old) return false;
    if (!this.eventIdx) return (Atomics.load(this.avail16!, 0) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    if (!valid) return true;
    const ev = Atomics.load(this.avail16!, 2 + this.num);
    return ((now - ev - 1) & 0xffff) < ((now - old) & 0xffff);
  }

  /**
   * EVENT_IDX: ask the driver to notify when it makes the next buffer available, then re-check.
   * Returns true when buffers arrived meanwhile (the caller should process them).
   */
  armNotify(): boolean {
    if (!this.ready || this.broken !== null) return false;
    if (this.eventIdx) Atomics.store(this.used16!, 2 + 4 * this.num, this.lastAvail);
    return this.hasAvail();
  }
}

/** Copy up to dst.length bytes of the chain's readable buffers, from byte `offset`; returns the count. */
export function readFromChain(c: Chain, offset: number, dst: Uint8Array): number {
  let done = 0;
  for (const seg of c.readable) {
    if (done === dst.length) break;
    if (offset >= seg.length) { offset -= seg.length; continue; }
    const n = Math.min(seg.length - offset, dst.length - done);
    dst.set(seg.subarray(offset, offset + n), done);
    done += n;
    offset = 0;
  }
  return done;
}

/** Copy src into the chain's writable buffers from byte `offset`; returns the count written. */
export function writeToChain(c: Chain, offset: number, src: Uint8Array): number {
  let done = 0;
  for (const seg of c.writable) {
    if (done === src.length) break;
    if (offset >= seg.length) { offset -= seg.length; continue; }
    const n = Math.min(seg.length - offset, src.length - done);
    seg.set(src.subarray(done, done + n), offset);
    done += n;
    offset = 0;
  }
  return done;
}
