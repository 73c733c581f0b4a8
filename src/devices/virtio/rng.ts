// virtio-rng / entropy device (virtio 1.2 §5.4): fills the driver's buffers with host randomness.
import { randomFillSync } from "node:crypto";
import { drainQueue, type VirtioContext, type VirtioDevice } from "./mmio.js";

export const VIRTIO_ID_RNG = 4;
/** Bytes served per request at most: bigger buffers get a partial fill (allowed by §5.4.6). */
const MAX_REQUEST = 64 * 1024;

export class VirtioRng implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_RNG;
  readonly queueSizes = [64];
  readonly features = 0n;
  readonly config = new Uint8Array(0);
  private ctx: VirtioContext | null = null;

  constructor(private readonly fill: (b: Uint8Array) => void = (b) => { randomFillSync(b); }) {}

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = null;
  }

  notify(): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    drainQueue(ctx, 0, (c) => {
      let done = 0;
      if (c.fault === null) {
        for (const seg of c.writable) {
          const part = seg.subarray(0, Math.min(seg.length, MAX_REQUEST - done));
          this.fill(part);
          done += part.length;
          if (done === MAX_REQUEST) break;
        }
      }
      return done;
    });
  }
}
