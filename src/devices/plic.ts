// RISC-V PLIC (SiFive / QEMU virt layout). Context c is hart c's S-mode external interrupt.
//
// Level-triggered gateway model: a source is pending while its line is high and it is not in
// service. Claim moves it to "in service"; while in service the line is ignored; completion
// re-arms the gateway, and a still-high line makes it pending again at once. A line dropped
// before the claim withdraws the request (no spurious claims for interrupts already handled
// by polling).

import type { IrqLine, MmioDevice } from "./types.js";

const PRIORITY_BASE = 0x0;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x200000;
const CONTEXT_STRIDE = 0x1000;
const MAX_SOURCES = 1023;
const PRIORITY_MASK = 7;

export const PLIC_DEFAULT_SIZE = 0x600000;

export class Plic implements MmioDevice {
  readonly name: string;
  /** Accesses that were not aligned 32-bit accesses to a register (diagnostics). */
  badAccesses = 0;

  private readonly words: number; // 32-bit words covering sources 0..ndev
  private readonly priority: Uint8Array; // [src]
  private readonly level: Uint8Array; // input line state [src]
  private readonly pending: Uint32Array; // [word]
  private readonly inService: Uint32Array; // [word]
  private readonly validMask: Uint32Array; // [word]: bits of existing sources (not 0)
  private readonly enable: Uint32Array; // [ctx * words + word]
  private readonly threshold: Uint8Array; // [ctx]
  private readonly eip: Uint8Array; // current output level [ctx]
  private readonly lines: IrqLine[] = [];

  /**
   * @param ndev number of sources (1..1023); ids 1..ndev, 0 is reserved.
   * @param contexts number of contexts (context c = hart c, S-mode).
   * @param setExternal called only when a context's output level changes.
   * @param size MMIO window size (QEMU virt uses 0x4000000).
   */
  constructor(
    readonly ndev: number,
    readonly contexts: number,
    private readonly setExternal: (ctx: number, level: boolean) => void,
    readonly size: number = PLIC_DEFAULT_SIZE,
    name = "plic",
  ) {
    if (!Number.isInteger(ndev) || ndev < 1 || ndev > MAX_SOURCES) throw new Error(`plic: bad ndev ${ndev}`);
    if (!Number.isInteger(contexts) || contexts < 1) throw new Error(`plic: bad contexts ${contexts}`);
    if (!Number.isInteger(size) || size < CONTEXT_BASE + CONTEXT_STRIDE * contexts ||
        ENABLE_BASE + ENABLE_STRIDE * contexts > CONTEXT_BASE) {
      throw new Error(`plic: window size 0x${size.toString(16)} cannot hold ${contexts} contexts`);
    }
    this.name = name;
    this.words = (ndev >> 5) + 1;
    this.priority = new Uint8Array(ndev + 1);
    this.level = new Uint8Array(ndev + 1);
    this.pending = new Uint32Array(this.words);
    this.inService = new Uint32Array(this.words);
    this.validMask = new Uint32Array(this.words);
    for (let s = 1; s <= ndev; s++) this.validMask[s >> 5] |= 1 << (s & 31);
    this.enable = new Uint32Array(this.words * contexts);
    this.threshold = new Uint8Array(contexts);
    this.eip = new Uint8Array(contexts);
    for (let s = 0; s <= ndev; s++) {
      const src = s;
      this.lines.push({ set: (lvl: boolean) => this.setLevel(src, lvl) });
    }
  }

  /** The interrupt line device `src` drives (1..ndev). */
  line(src: number): IrqLine {
    if (!Number.isInteger(src) || src < 1 || src > this.ndev) throw new Error(`plic: no source ${src}`);
    return this.lines[src];
  }

  /** Current output level of a context (diagnostics/tests). */
  externalLevel(ctx: number): boolean {
    return this.eip[ctx] === 1;
  }

  /** Power-on state; input line levels are kept (they belong to the devices). */
  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.inService.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    for (let s = 1; s <= this.ndev; s++) if (this.level[s]) this.pending[s >> 5] |= 1 << (s & 31);
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4 || !Number.isInteger(offset) || offset < 0 || offset >= this.size || (offset & 3) !== 0) {
      this.badAccesses++;
      return 0;
    }
    if (offset < PENDING_BASE) {
      const src = (offset - PRIORITY_BASE) >> 2;
      return src <= this.ndev ? this.priority[src] : 0;
    }
    if (offset < ENABLE_BASE) {
      const w = (offset - PENDING_BASE) >> 2;
      return w < this.words ? this.pending[w] >>> 0 : 0;
    }
    if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const w = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      return ctx < this.contexts && w < this.words ? this.enable[ctx * this.words + w] >>> 0 : 0;
    }
    const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
    const reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (ctx >= this.contexts) return 0;
    if (reg === 0) return this.threshold[ctx];
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || !Number.isInteger(offset) || offset < 0 || offset >= this.size || (offset & 3) !== 0) {
      this.badAccesses++;
      return;
    }
    const v = value >>> 0;
    if (offset < PENDING_BASE) {
      const src = (offset - PRIORITY_BASE) >> 2;
      if (src >= 1 && src <= this.ndev) this.priority[src] = v & PRIORITY_MASK;
    } else if (offset < ENABLE_BASE) {
      return; // pending bits are read-only
    } else if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const w = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      if (ctx >= this.contexts || w >= this.words) return;
      this.enable[ctx * this.words + w] = v & this.validMask[w];
    } else {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      const reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
      if (ctx >= this.contexts) return;
      if (reg === 0) this.threshold[ctx] = v & PRIORITY_MASK;
      else if (reg === 4) this.complete(ctx, v);
      else return;
    }
    this.update();
  }

  // --- internals ---

  private setLevel(src: number, lvl: boolean): void {
    const l = lvl ? 1 : 0;
    if (this.level[src] === l) return;
    this.level[src] = l;
    const w = src >> 5, bit = 1 << (src & 31);
    if (this.inService[w] & bit) return; // gateway closed until completion
    if (l) this.pending[w] |= bit;
    else this.pending[w] &= ~bit;
    this.update();
  }

  /** Best pending & enabled source for ctx with priority > threshold (ties: lowest id), or 0. */
  private best(ctx: number): number {
    let bestSrc = 0;
    let bestPrio = this.threshold[ctx];
    const base = ctx * this.words;
    for (let w = 0; w < this.words; w++) {
      let bits = this.pending[w] & this.enable[base + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits); // lowest set bit first: ties go to lowest id
        bits &= bits - 1;
        const src = (w << 5) | b;
        const p = this.priority[src];
        if (p > bestPrio) {
          bestPrio = p;
          bestSrc = src;
        }
      }
    }
    return bestSrc;
  }

  private claim(ctx: number): number {
    const src = this.best(ctx);
    if (src !== 0) {
      const w = src >> 5, bit = 1 << (src & 31);
      this.pending[w] &= ~bit;
      this.inService[w] |= bit;
      this.update();
    }
    return src;
  }

  private complete(ctx: number, src: number): void {
    if (src < 1 || src > this.ndev) return;
    const w = src >> 5, bit = 1 << (src & 31);
    // Completion for a source not enabled for this context is ignored (spec); so is one not in service.
    if (!(this.enable[ctx * this.words + w] & bit) || !(this.inService[w] & bit)) return;
    this.inService[w] &= ~bit;
    if (this.level[src]) this.pending[w] |= bit;
  }

  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const l = this.best(ctx) !== 0 ? 1 : 0;
      if (l !== this.eip[ctx]) {
        this.eip[ctx] = l;
        this.setExternal(ctx, l === 1);
      }
    }
  }
}
