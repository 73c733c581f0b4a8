// Host side of the code-page protocol (layout.ts CODE_ARMED / CODE_EPOCH_OFF): the JIT arms the
// pages it compiles from; host code that writes guest RAM (device DMA, SBI) reports the writes,
// so a fence.i finds the compiled code they made stale. The core does the same for guest stores.
import * as L from "./layout.js";

export class CodePages {
  private readonly bytes: Uint8Array;
  private readonly epochs: Uint32Array;

  constructor(buffer: SharedArrayBuffer, private readonly ramBytes: number) {
    this.bytes = new Uint8Array(buffer);
    this.epochs = new Uint32Array(buffer, L.CODE_EPOCH_OFF, Math.ceil(ramBytes / 4096));
  }

  /** Before compiling from RAM page `page` (index from RAM start): returns its write epoch. */
  arm(page: number): number {
    Atomics.or(this.bytes, L.WATCH_OFF + page, L.CODE_ARMED);
    return Atomics.load(this.epochs, page);
  }

  epoch(page: number): number {
    return Atomics.load(this.epochs, page);
  }

  /** RAM bytes [off, off + len) (offsets from RAM start) were written by the host. */
  written(off: number, len: number): void {
    if (len <= 0) return;
    const last = Math.min(Math.floor((off + len - 1) / 4096), Math.ceil(this.ramBytes / 4096) - 1);
    for (let p = Math.floor(off / 4096); p <= last; p++) {
      if ((Atomics.load(this.bytes, L.WATCH_OFF + p) & L.CODE_ARMED) === 0) continue;
      Atomics.and(this.bytes, L.WATCH_OFF + p, ~L.CODE_ARMED & 0xff);
      Atomics.add(this.epochs, p, 1);
    }
  }
}
