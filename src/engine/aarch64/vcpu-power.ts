// A vCPU's power state as PSCI sees it (layout.ts C_POWER), shared by every vCPU thread of the
// zone: each transition another thread can race with is one atomic step. CPU_ON claims an OFF
// vCPU (only one caller wins), writes the entry point and context, then publishes ON_PENDING; the
// vCPU's own thread starts it (ON) and sets it OFF again on CPU_OFF.
import * as L from "./layout.js";

export class VcpuPower {
  private readonly words: Int32Array;
  private readonly view: DataView;
  readonly base: number;

  constructor(buffer: ArrayBufferLike, readonly vcpu: number) {
    this.words = new Int32Array(buffer);
    this.view = new DataView(buffer as ArrayBuffer);
    this.base = L.CPU_REGION_OFF + vcpu * L.CPU_STRIDE;
  }

  private get index(): number {
    return (this.base + L.C_POWER) >> 2;
  }

  get state(): number {
    return Atomics.load(this.words, this.index);
  }
  set state(s: number) {
    Atomics.store(this.words, this.index, s);
  }

  /** CPU_ON: start this vCPU at `entry` with x0 = `ctx`; false when it is not OFF (already on, or being started). */
  start(entry: bigint, ctx: bigint): boolean {
    if (Atomics.compareExchange(this.words, this.index, L.POWER_OFF, L.POWER_CLAIMED) !== L.POWER_OFF) return false;
    this.view.setBigUint64(this.base + L.C_START_PC, entry, true);
    this.view.setBigUint64(this.base + L.C_START_CTX, ctx, true);
    this.state = L.POWER_ON_PENDING; // an Atomics store: publishes the two above to the vCPU's thread
    this.wake();
    return true;
  }

  get startPc(): bigint {
    return this.view.getBigUint64(this.base + L.C_START_PC, true);
  }
  get startCtx(): bigint {
    return this.view.getBigUint64(this.base + L.C_START_CTX, true);
  }

  /** Wake the vCPU's thread from any wait (WFI, powered off), so it looks at its state again. */
  wake(): void {
    const w = (this.base + L.C_WAKE) >> 2;
    Atomics.add(this.words, w, 1);
    Atomics.notify(this.words, w);
  }

  /** Sleep (at most `ms`) unless woken since `seen` (wakeCount before deciding to sleep). */
  sleep(seen: number, ms: number): void {
    Atomics.wait(this.words, (this.base + L.C_WAKE) >> 2, seen, ms);
  }

  get wakeCount(): number {
    return Atomics.load(this.words, (this.base + L.C_WAKE) >> 2);
  }
}
