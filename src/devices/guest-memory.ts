// Guest RAM as devices see it: a window of a (Shared)ArrayBuffer, typically the engine's wasm
// memory. Every guest-supplied address/length is hostile: anything not a safe, in-range integer
// yields null/false, never an exception and never a view outside RAM.
// Views stay valid across shared wasm memory growth (the old SharedArrayBuffer keeps its length).

import type { GuestMemory } from "./types.js";

/** A 64-bit value as two unsigned 32-bit halves. */
export interface U64Parts {
  lo: number;
  hi: number;
}

export class SharedGuestMemory implements GuestMemory {
  readonly base: number;
  readonly size: number;
  private readonly bytes: Uint8Array; // exactly RAM
  private readonly dv: DataView; // exactly RAM

  /**
   * `written(off, len)` hears of every range a device may write (views included, as devices
   * write through them): an engine that compiles guest code uses it to see DMA into code.
   */
  constructor(buffer: ArrayBufferLike, wasmOffsetOfRam: number, guestPhysBase: number, size: number,
    private readonly written: (ramOff: number, len: number) => void = () => {}) {
    const ok = (n: number) => Number.isSafeInteger(n) && n >= 0;
    if (!ok(wasmOffsetOfRam) || !ok(guestPhysBase) || !ok(size) || !ok(guestPhysBase + size)) {
      throw new Error(`guest-memory: bad layout offset=${wasmOffsetOfRam} base=${guestPhysBase} size=${size}`);
    }
    if (wasmOffsetOfRam + size > buffer.byteLength) {
      throw new Error(`guest-memory: RAM [${wasmOffsetOfRam}, +${size}) exceeds buffer of ${buffer.byteLength} bytes`);
    }
    this.base = guestPhysBase;
    this.size = size;
    this.bytes = new Uint8Array(buffer, wasmOffsetOfRam, size);
    this.dv = new DataView(buffer, wasmOffsetOfRam, size);
  }

  /** RAM offset of [gpa, gpa+len), or -1 when any byte is outside RAM or an argument is bogus. */
  offsetOf(gpa: number, len: number): number {
    if (!Number.isSafeInteger(gpa) || !Number.isSafeInteger(len) || len < 0) return -1;
    const off = gpa - this.base; // both safe integers: exact
    if (off < 0 || off > this.size - len) return -1; // written so nothing can overflow
    return off;
  }

  view(gpa: number, len: number): Uint8Array | null {
    const off = this.offsetOf(gpa, len);
    if (off < 0) return null;
    this.written(off, len);
    return this.bytes.subarray(off, off + len);
  }

  readU8(gpa: number): number | null {
    const off = this.offsetOf(gpa, 1);
    return off < 0 ? null : this.bytes[off];
  }

  readU16(gpa: number): number | null {
    const off = this.offsetOf(gpa, 2);
    return off < 0 ? null : this.dv.getUint16(off, true);
  }

  readU32(gpa: number): number | null {
    const off = this.offsetOf(gpa, 4);
    return off < 0 ? null : this.dv.getUint32(off, true);
  }

  /** Little-endian u64 into `out`; false (out untouched) when out of range. */
  readU64(gpa: number, out: U64Parts): boolean {
    const off = this.offsetOf(gpa, 8);
    if (off < 0) return false;
    out.lo = this.dv.getUint32(off, true);
    out.hi = this.dv.getUint32(off + 4, true);
    return true;
  }

  /** u64 as a number, or null when out of range or not exactly representable (> 2^53-1). */
  readU64Safe(gpa: number): number | null {
    const off = this.offsetOf(gpa, 8);
    if (off < 0) return null;
    const hi = this.dv.getUint32(off + 4, true);
    if (hi > 0x1fffff) return null;
    return hi * 0x100000000 + this.dv.getUint32(off, true);
  }

  writeU8(gpa: number, value: number): boolean {
    const off = this.offsetOf(gpa, 1);
    if (off < 0) return false;
    this.written(off, 1);
    this.bytes[off] = value;
    return true;
  }

  writeU16(gpa: number, value: number): boolean {
    const off = this.offsetOf(gpa, 2);
    if (off < 0) return false;
    this.written(off, 2);
    this.dv.setUint16(off, value & 0xffff, true);
    return true;
  }

  writeU32(gpa: number, value: number): boolean {
    const off = this.offsetOf(gpa, 4);
    if (off < 0) return false;
    this.written(off, 4);
    this.dv.setUint32(off, value >>> 0, true);
    return true;
  }

  writeU64(gpa: number, lo: number, hi: number): boolean {
    const off = this.offsetOf(gpa, 8);
    if (off < 0) return false;
    this.written(off, 8);
    this.dv.setUint32(off, lo >>> 0, true);
    this.dv.setUint32(off + 4, hi >>> 0, true);
    return true;
  }
}
