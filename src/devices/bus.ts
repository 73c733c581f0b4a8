// MMIO bus: routes guest physical accesses to device windows.
// Hot path: no allocation and no BigInt per access. Read results go into one reused object.

import type { MmioDevice } from "./types.js";

export interface MmioWindow {
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
}

/** Result of MmioBus.read. The same object is reused by every read: copy the fields out. */
export interface MmioReadResult {
  ok: boolean;
  lo: number; // low 32 bits, unsigned
  hi: number; // high 32 bits for 8-byte reads, else 0
}

const MASKS = [0, 0xff, 0xffff, 0, 0xffffffff];

function hex(n: number): string {
  return "0x" + n.toString(16);
}

export class MmioBus {
  /** Device exceptions swallowed so a guest access can never crash the VMM (diagnostics). */
  deviceErrors = 0;
  lastDeviceError: unknown = undefined;

  private readonly windows: MmioWindow[] = []; // sorted by base, non-overlapping
  private last: MmioWindow | null = null; // most recent hit: accesses cluster on one device
  private readonly result: MmioReadResult = { ok: false, lo: 0, hi: 0 };

  /** Map `device` at [base, base+size). Throws on bad ranges or overlap (host configuration error). */
  register(base: number, size: number, device: MmioDevice): void {
    if (!Number.isSafeInteger(base) || base < 0) throw new Error(`mmio: bad base ${base} for ${device.name}`);
    if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`mmio: bad size ${size} for ${device.name}`);
    if (!Number.isSafeInteger(base + size)) throw new Error(`mmio: window of ${device.name} overflows`);
    for (const w of this.windows) {
      if (base < w.base + w.size && w.base < base + size) {
        throw new Error(
          `mmio: ${device.name} [${hex(base)}, ${hex(base + size)}) overlaps ` +
            `${w.device.name} [${hex(w.base)}, ${hex(w.base + w.size)})`,
        );
      }
    }
    const win: MmioWindow = { base, size, device };
    let i = 0;
    while (i < this.windows.length && this.windows[i].base < base) i++;
    this.windows.splice(i, 0, win);
  }

  /** The window containing `addr`, or null (diagnostics). */
  find(addr: number): MmioWindow | null {
    if (!Number.isSafeInteger(addr) || addr < 0) return null;
    return this.findValid(addr);
  }

  /** find() for an address already known to be a non-negative safe integer. */
  private findValid(addr: number): MmioWindow | null {
    const l = this.last;
    if (l !== null && addr >= l.base && addr - l.base < l.size) return l;
    const ws = this.windows;
    let lo = 0, hi = ws.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = ws[mid];
      if (addr < w.base) hi = mid - 1;
      else if (addr - w.base >= w.size) lo = mid + 1;
      else {
        this.last = w;
        return w;
      }
    }
    return null;
  }

  /** All windows in address order (diagnostics, device tree generation). */
  list(): readonly MmioWindow[] {
    return this.windows;
  }

  /**
   * Read `size` bytes at `addr`. ok=false when no device covers the whole access (the caller
   * raises an access fault). 8-byte reads are two 4-byte device reads, low word first.
   */
  read(addr: number, size: 1 | 2 | 4 | 8): MmioReadResult {
    const r = this.result;
    r.ok = false;
    r.lo = 0;
    r.hi = 0;
    const w = this.lookup(addr, size);
    if (w === null) return r;
    const off = addr - w.base;
    r.ok = true;
    try {
      if (size === 8) {
        r.lo = w.device.read(off, 4) >>> 0;
        r.hi = w.device.read(off + 4, 4) >>> 0;
      } else {
        r.lo = (w.device.read(off, size) & MASKS[size]) >>> 0;
      }
    } catch (e) {
      this.deviceErrors++;
      this.lastDeviceError = e;
    }
    return r;
  }

  /** Write `size` bytes; for size 8, `hi` is the upper word (written second). False if unmapped. */
  write(addr: number, size: 1 | 2 | 4 | 8, lo: number, hi = 0): boolean {
    const w = this.lookup(addr, size);
    if (w === null) return false;
    const off = addr - w.base;
    try {
      if (size === 8) {
        w.device.write(off, 4, lo >>> 0);
        w.device.write(off + 4, 4, hi >>> 0);
      } else {
        w.device.write(off, size, (lo & MASKS[size]) >>> 0);
      }
    } catch (e) {
      this.deviceErrors++;
      this.lastDeviceError = e;
    }
    return true;
  }

  /** Run every device's optional poll(). */
  pollAll(): void {
    for (const w of this.windows) w.device.poll?.();
  }

  private lookup(addr: number, size: number): MmioWindow | null {
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8) return null;
    if (!Number.isSafeInteger(addr) || addr < 0) return null;
    const w = this.findValid(addr);
    if (w === null || addr - w.base > w.size - size) return null; // must not run past the window
    return w;
  }
}
