// The zone's MMIO request ring (zone-block.ts ZC_MMIO_RING), both ends: vCPU threads of any
// engine post requests, the VMM thread serves them in ring order. Stores are posted; a load's
// poster waits until the tail has passed it, then reads the answer the VMM left in its slot.
import * as Z from "./zone-block.js";
import type { ZoneControl } from "./zone-control.js";

const HEAD = (Z.ZONE_CTL_OFF + Z.ZC_MMIO_HEAD) >> 2;
const TAIL = (Z.ZONE_CTL_OFF + Z.ZC_MMIO_TAIL) >> 2;
const MASK = Z.MMIO_RING_ENTRIES - 1;
const entry = (i: number) => (Z.ZONE_CTL_OFF + Z.ZC_MMIO_RING + (i & MASK) * Z.MMIO_ENTRY_BYTES) >> 2;

/** What the VMM does with one request (a load's answer goes to the vCPU's answer slot). */
export type MmioServer = (vcpu: number, op: number, size: 1 | 2 | 4 | 8, addr: number, lo: number, hi: number) => void;

export class MmioRing {
  private readonly words: Int32Array;

  /** `spin`: polls of the tail before a futex sleep (the VMM usually answers within microseconds). */
  constructor(private readonly ctl: ZoneControl, private readonly spin: number) {
    this.words = ctl.words;
  }

  /** Requests posted so far (free-running). */
  get head(): number {
    return Atomics.load(this.words, HEAD);
  }
  /** Requests posted but not served yet. */
  get queued(): number {
    return (Atomics.load(this.words, HEAD) - Atomics.load(this.words, TAIL)) | 0;
  }

  /** Wait until the VMM has served the ring up to index `upTo`, give or take `slack` entries (or the zone ends). */
  waitServed(upTo: number, slack: number): void {
    const w = this.words;
    if (((upTo - Atomics.load(w, TAIL)) | 0) <= slack) return;
    for (let i = 0; i < this.spin; i++) if (((upTo - Atomics.load(w, TAIL)) | 0) <= slack) return;
    for (;;) {
      const tail = Atomics.load(w, TAIL);
      if (((upTo - tail) | 0) <= slack || !this.ctl.running) return;
      Atomics.wait(w, TAIL, tail, 100);
    }
  }

  /** vCPU side: queue one request (op MMIO_STORE / MMIO_LOAD) and ring the doorbell; returns its ring index. */
  post(vcpu: number, op: number, size: number, addrLo: number, addrHi: number, dataLo: number, dataHi: number): number {
    const w = this.words;
    const i = Atomics.add(w, HEAD, 1);
    this.waitServed(i, Z.MMIO_RING_ENTRIES - 1); // its slot is free
    const e = entry(i);
    w[e + 1] = vcpu;
    w[e + 2] = op;
    w[e + 3] = size;
    w[e + 4] = addrLo;
    w[e + 5] = addrHi;
    w[e + 6] = dataLo;
    w[e + 7] = dataHi;
    Atomics.store(w, e, (i + 1) | 0); // published
    this.ctl.ring();
    return i;
  }

  /** VMM side: serve every published request in order, moving the tail after each. */
  serve(server: MmioServer): void {
    const w = this.words;
    let tail = Atomics.load(w, TAIL);
    if (tail === Atomics.load(w, HEAD)) return;
    for (;;) {
      const e = entry(tail);
      if (Atomics.load(w, e) !== ((tail + 1) | 0)) break; // reserved but not filled in yet
      const addr = (w[e + 5] >>> 0) * 2 ** 32 + (w[e + 4] >>> 0);
      server(w[e + 1], w[e + 2], w[e + 3] as 1 | 2 | 4 | 8, addr, w[e + 6] >>> 0, w[e + 7] >>> 0);
      tail = (tail + 1) | 0;
      Atomics.store(w, TAIL, tail);
    }
    Atomics.notify(w, TAIL);
  }
}
