// The GICv3 distributor (GICD) and redistributors (GICR) as the VMM thread serves them, over the
// interrupt state the zone shares with the cores (layout.ts GIC_*; core/gic.ts is the CPU
// interface that acknowledges and ends interrupts). One security state (GICD_CTLR.DS), affinity
// routing only, group 1 only (IGROUPR reads as ones), no LPIs/ITS. Devices raise SPIs through
// `spiLine`; whatever may make an interrupt pending wakes the vCPUs it concerns.
import * as L from "./layout.js";
import type { IrqLine, MmioDevice } from "../../devices/types.js";
import { MACHINE, mpidrOf } from "./machine.js";

const SPI_WORDS = L.GIC_SPIS / 32;
const IIDR = 0x0000043b; // implementer Arm
const PIDR2 = 0x3b; // ArchRev 3: GICv3
const RD_FRAME = 0x10000; // RD_base, then SGI_base, per vCPU

/** The shared interrupt state, and waking the vCPUs an interrupt may concern. */
class GicState {
  readonly words: Int32Array;
  readonly bytes: Uint8Array;

  constructor(buffer: SharedArrayBuffer, readonly vcpus: number) {
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
  }

  load(off: number): number {
    return Atomics.load(this.words, off >> 2) >>> 0;
  }
  or(off: number, bits: number): void {
    Atomics.or(this.words, off >> 2, bits | 0);
  }
  and(off: number, bits: number): void {
    Atomics.and(this.words, off >> 2, bits | 0);
  }
  store(off: number, v: number): void {
    Atomics.store(this.words, off >> 2, v | 0);
  }

  /** Tell vCPU `v` (every vCPU when undefined) to look for pending interrupts, waking it from WFI. */
  kick(v?: number): void {
    for (let i = 0; i < this.vcpus; i++) {
      if (v !== undefined && i !== v) continue;
      const base = L.CPU_REGION_OFF + i * L.CPU_STRIDE;
      Atomics.store(this.words, (base + L.C_IRQ_HINT) >> 2, 1);
      Atomics.add(this.words, (base + L.C_WAKE) >> 2, 1);
      Atomics.notify(this.words, (base + L.C_WAKE) >> 2);
    }
  }
}

/**
 * The 32-bit interrupt bitmap registers both the GICD and the GICR have: IGROUPR (0x080),
 * ISENABLER/ICENABLER (0x100/0x180), ISPENDR/ICPENDR (0x200/0x280), ISACTIVER/ICACTIVER
 * (0x300/0x380), for the word at `state` (+ field offsets) holding INTIDs of that word.
 */
function bitmapRead(g: GicState, reg: number, s: { enable: number; pending: number; level: number; edge: number; active: number }): number {
  switch (reg) {
    case 0x080: return 0xffffffff; // IGROUPR: group 1
    case 0x100: case 0x180: return g.load(s.enable);
    case 0x200: case 0x280: return (g.load(s.pending) | (g.load(s.level) & ~g.load(s.edge))) >>> 0;
    case 0x300: case 0x380: return g.load(s.active);
    default: return 0;
  }
}

function bitmapWrite(g: GicState, reg: number, v: number, s: { enable: number; pending: number; active: number }): void {
  switch (reg) {
    case 0x100: g.or(s.enable, v); break;
    case 0x180: g.and(s.enable, ~v); break;
    case 0x200: g.or(s.pending, v); break;
    case 0x280: g.and(s.pending, ~v); break;
    case 0x300: g.or(s.active, v); break;
    case 0x380: g.and(s.active, ~v); break;
    default: break; // IGROUPR and the rest: fixed
  }
}

/** ICFGR as 2 bits per INTID (bit 1: edge) from / to a 16-INTID half of an edge bitmap word. */
function cfgRead(edgeWord: number, half: number): number {
  let v = 0;
  for (let i = 0; i < 16; i++) if ((edgeWord >>> (half * 16 + i)) & 1) v |= 2 << (i * 2);
  return v >>> 0;
}
function cfgWrite(edgeWord: number, half: number, v: number): number {
  let w = edgeWord;
  for (let i = 0; i < 16; i++) {
    const bit = 1 << (half * 16 + i);
    w = (v >>> (i * 2)) & 2 ? w | bit : w & ~bit;
  }
  return w >>> 0;
}

export class GicDistributor implements MmioDevice {
  readonly name = "gicd";
  /** IROUTER as written (the low word: Aff0, Aff1, Aff2, IRM), for reading back. */
  private readonly router = new Uint32Array(L.GIC_SPIS);

  constructor(private readonly g: GicState) {}

  private spi(word: number) {
    const o = (word - 1) * 4; // word 0 holds SGIs/PPIs: the redistributors' (RAZ/WI here)
    return { enable: L.GIC_SPI_ENABLE + o, pending: L.GIC_SPI_PENDING + o, level: L.GIC_SPI_LEVEL + o, edge: L.GIC_SPI_EDGE + o, active: L.GIC_SPI_ACTIVE + o };
  }

  read(off: number, size: 1 | 2 | 4): number {
    const g = this.g;
    if (off >= 0x400 && off < 0x400 + 32 + L.GIC_SPIS) { // IPRIORITYR, byte-accessible
      if (off < 0x420) return 0;
      let v = 0;
      for (let i = 0; i < size; i++) v |= g.bytes[L.GIC_SPI_PRIO + off - 0x420 + i]! << (i * 8);
      return v >>> 0;
    }
    if (size !== 4) return 0;
    if (off === 0x0000) return (g.load(L.GICD_CTLR_OFF) & 2) | 0x10 | 0x40; // EnableGrp1NS, ARE_NS, DS
    if (off === 0x0004) return ((32 + L.GIC_SPIS) / 32 - 1) | (9 << 19); // ITLinesNumber, IDbits: 10
    if (off === 0x0008) return IIDR;
    if (off === 0xffe8) return PIDR2;
    const reg = off & ~0x7f;
    const word = (off & 0x7f) >> 2;
    if (reg >= 0x080 && reg <= 0x380 && word >= 1 && word <= SPI_WORDS) return bitmapRead(g, reg, this.spi(word));
    if (off >= 0x0c08 && off < 0x0c08 + SPI_WORDS * 8) { // ICFGR2..: SPIs
      const n = (off - 0x0c08) >> 2;
      return cfgRead(g.load(L.GIC_SPI_EDGE + (n >> 1) * 4), n & 1);
    }
    if (off >= 0x6100 && off < 0x6100 + L.GIC_SPIS * 8) { // IROUTER<n>, n >= 32
      return (off & 4) ? 0 : this.router[(off - 0x6100) >> 3]!;
    }
    return 0;
  }

  write(off: number, size: 1 | 2 | 4, v: number): void {
    const g = this.g;
    if (off >= 0x420 && off < 0x420 + L.GIC_SPIS) {
      for (let i = 0; i < size && off - 0x420 + i < L.GIC_SPIS; i++) g.bytes[L.GIC_SPI_PRIO + off - 0x420 + i] = (v >>> (i * 8)) & 0xf8;
      g.kick();
      return;
    }
    if (size !== 4) return;
    if (off === 0x0000) g.store(L.GICD_CTLR_OFF, v & 2);
    else if (off >= 0x080 && off < 0x400 && ((off & 0x7f) >> 2) >= 1 && ((off & 0x7f) >> 2) <= SPI_WORDS) {
      bitmapWrite(g, off & ~0x7f, v, this.spi((off & 0x7f) >> 2));
    } else if (off >= 0x0c08 && off < 0x0c08 + SPI_WORDS * 8) {
      const n = (off - 0x0c08) >> 2;
      const at = L.GIC_SPI_EDGE + (n >> 1) * 4;
      g.store(at, cfgWrite(g.load(at), n & 1, v));
    } else if (off >= 0x6100 && off < 0x6100 + L.GIC_SPIS * 8 && (off & 4) === 0) {
      const spi = (off - 0x6100) >> 3;
      this.router[spi] = v >>> 0;
      // IRM (any vCPU): vCPU 0 takes them; otherwise the vCPU with that Aff1.Aff0 (none: vCPU 0 as well).
      const aff = v & 0xffff;
      const target = (v >>> 31) ? 0 : Array.from({ length: g.vcpus }, (_, i) => i).find((i) => mpidrOf(i) === aff) ?? 0;
      g.bytes[L.GIC_SPI_ROUTE + spi] = target;
    }
    g.kick();
  }
}

export class GicRedistributors implements MmioDevice {
  readonly name = "gicr";

  constructor(private readonly g: GicState) {}

  private frame(v: number) {
    const r = L.GIC_REDIST + v * L.GIC_REDIST_STRIDE;
    return { r, enable: r + L.GR_ENABLE, pending: r + L.GR_PENDING, level: r + L.GR_LEVEL, edge: r + L.GR_EDGE, active: r + L.GR_ACTIVE };
  }

  read(off: number, size: 1 | 2 | 4): number {
    const g = this.g;
    const v = Math.floor(off / (2 * RD_FRAME));
    if (v >= g.vcpus) return 0;
    const f = this.frame(v);
    const o = off % (2 * RD_FRAME);
    if (o >= RD_FRAME + 0x400 && o < RD_FRAME + 0x420) { // IPRIORITYR0-7
      let x = 0;
      for (let i = 0; i < size; i++) x |= g.bytes[f.r + L.GR_PRIO + o - RD_FRAME - 0x400 + i]! << (i * 8);
      return x >>> 0;
    }
    if (size !== 4) return 0;
    switch (o) {
      case 0x0000: return 0; // GICR_CTLR: no LPIs
      case 0x0004: return IIDR;
      case 0x0008: return (v << 8) | (v === g.vcpus - 1 ? 0x10 : 0); // TYPER: Processor_Number, Last
      case 0x000c: return mpidrOf(v); // TYPER[63:32]: the affinity
      case 0x0014: { // WAKER: ChildrenAsleep follows ProcessorSleep at once
        const sleep = g.load(f.r + L.GR_WAKER) & 2;
        return sleep | (sleep << 1);
      }
      case 0xffe8: return PIDR2;
      case RD_FRAME + 0x0c00: return 0xaaaaaaaa; // ICFGR0: SGIs are edge-triggered
      case RD_FRAME + 0x0c04: return cfgRead(g.load(f.edge), 1);
      default: {
        const reg = o - RD_FRAME;
        if ((reg & 0x7f) === 0 && reg >= 0x080 && reg <= 0x380) return bitmapRead(g, reg, f);
        return 0;
      }
    }
  }

  write(off: number, size: 1 | 2 | 4, value: number): void {
    const g = this.g;
    const v = Math.floor(off / (2 * RD_FRAME));
    if (v >= g.vcpus) return;
    const f = this.frame(v);
    const o = off % (2 * RD_FRAME);
    if (o >= RD_FRAME + 0x400 && o < RD_FRAME + 0x420) {
      for (let i = 0; i < size && o - RD_FRAME - 0x400 + i < 32; i++) g.bytes[f.r + L.GR_PRIO + o - RD_FRAME - 0x400 + i] = (value >>> (i * 8)) & 0xf8;
    } else if (size !== 4) {
      return;
    } else if (o === 0x0014) {
      g.store(f.r + L.GR_WAKER, value & 2);
    } else if (o === RD_FRAME + 0x0c04) {
      // PPIs' configuration; the timers' stay level-sensitive.
      g.store(f.edge, (cfgWrite(g.load(f.edge), 1, value) | 0xffff) & ~((1 << 27) | (1 << 30)));
    } else {
      const reg = o - RD_FRAME;
      if ((reg & 0x7f) === 0 && reg >= 0x080 && reg <= 0x380) bitmapWrite(g, reg, value, f);
    }
    g.kick(v);
  }
}

/** The GIC of a zone: its two MMIO devices, and the lines devices drive SPIs with. */
export class Gic {
  private readonly state: GicState;
  readonly distributor: GicDistributor;
  readonly redistributors: GicRedistributors;

  constructor(buffer: SharedArrayBuffer, vcpus: number) {
    this.state = new GicState(buffer, vcpus);
    this.distributor = new GicDistributor(this.state);
    this.redistributors = new GicRedistributors(this.state);
  }

  /** The interrupt line of SPI `intid` (32..): level-sensitive or edge per ICFGR, as the guest configured it. */
  spiLine(intid: number): IrqLine {
    const g = this.state;
    const word = ((intid - 32) >> 5) * 4;
    const bit = 1 << ((intid - 32) & 31);
    return {
      set(level: boolean) {
        const was = (g.load(L.GIC_SPI_LEVEL + word) & bit) !== 0;
        if (level === was) return;
        if (level) {
          g.or(L.GIC_SPI_LEVEL + word, bit);
          if (g.load(L.GIC_SPI_EDGE + word) & bit) g.or(L.GIC_SPI_PENDING + word, bit); // a rising edge latches
          g.kick(g.bytes[L.GIC_SPI_ROUTE + intid - 32]);
        } else {
          g.and(L.GIC_SPI_LEVEL + word, ~bit);
        }
      },
    };
  }
}

/** The state a zone's GIC starts in: every redistributor asleep (GICR_WAKER), SGIs edge-triggered. */
export function resetGic(buffer: SharedArrayBuffer, vcpus: number): void {
  const words = new Int32Array(buffer);
  new Uint8Array(buffer).fill(0, L.GIC_OFF, L.GIC_REDIST + MACHINE.maxVcpus * L.GIC_REDIST_STRIDE);
  for (let v = 0; v < vcpus; v++) {
    const r = L.GIC_REDIST + v * L.GIC_REDIST_STRIDE;
    words[(r + L.GR_WAKER) >> 2] = 2;
    words[(r + L.GR_EDGE) >> 2] = 0xffff; // SGIs
  }
  words[L.ZONE_VCPUS >> 2] = vcpus;
}
