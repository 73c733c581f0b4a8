// The zone control block in shared memory: run state, doorbell, console input ring.
// Used from every thread of a zone (main, VMM, vCPUs), so everything goes through Atomics.
import * as L from "../engine/riscv64/layout.js";

const W = (off: number) => (L.ZONE_CTL_OFF + off) >> 2;

export class ZoneControl {
  readonly words: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
  }

  get state(): number {
    return Atomics.load(this.words, W(L.ZC_STATE));
  }
  get running(): boolean {
    return this.state === L.ZONE_RUNNING;
  }
  get exitCode(): number {
    return Atomics.load(this.words, W(L.ZC_EXIT_CODE));
  }

  /** First caller wins: moves RUNNING -> `state`. Returns whether this call ended the zone. */
  end(state: number, code = 0): boolean {
    if (Atomics.compareExchange(this.words, W(L.ZC_STATE), L.ZONE_RUNNING, state) !== L.ZONE_RUNNING) return false;
    Atomics.store(this.words, W(L.ZC_EXIT_CODE), code);
    this.ring();
    return true;
  }

  /** Reset to RUNNING (only before any thread runs). */
  reset(): void {
    Atomics.store(this.words, W(L.ZC_STATE), L.ZONE_RUNNING);
    Atomics.store(this.words, W(L.ZC_EXIT_CODE), 0);
    Atomics.store(this.words, W(L.ZC_CONIN_HEAD), 0);
    Atomics.store(this.words, W(L.ZC_CONIN_TAIL), 0);
  }

  get doorbellIndex(): number {
    return W(L.ZC_DOORBELL);
  }
  ring(): void {
    Atomics.add(this.words, W(L.ZC_DOORBELL), 1);
    // A futex wake is a syscall: skip it while the VMM is awake (it re-reads the doorbell before sleeping).
    if (Atomics.load(this.words, W(L.ZC_VMM_SLEEPING)) !== 0) Atomics.notify(this.words, W(L.ZC_DOORBELL));
  }

  /** VMM side: sleep until the doorbell moves from `seen` (or `ms` pass). */
  sleepUntilRung(seen: number, ms: number, spin = 0): void {
    // Requests come in bursts (one interrupt alone costs several MMIO exits): polling briefly
    // first saves the vCPU a futex wake of this thread per exit.
    for (let i = 0; i < spin; i++) if (Atomics.load(this.words, W(L.ZC_DOORBELL)) !== seen) return;
    Atomics.store(this.words, W(L.ZC_VMM_SLEEPING), 1);
    if (Atomics.load(this.words, W(L.ZC_DOORBELL)) === seen) Atomics.wait(this.words, W(L.ZC_DOORBELL), seen, ms);
    Atomics.store(this.words, W(L.ZC_VMM_SLEEPING), 0);
  }

  /** Producer (host keyboard): returns how many bytes fit. */
  pushInput(data: Uint8Array): number {
    const head = Atomics.load(this.words, W(L.ZC_CONIN_HEAD));
    const tail = Atomics.load(this.words, W(L.ZC_CONIN_TAIL));
    const room = L.ZC_CONIN_SIZE - ((head - tail) | 0);
    const n = Math.min(room, data.length);
    for (let i = 0; i < n; i++) {
      this.bytes[L.ZONE_CTL_OFF + L.ZC_CONIN_BUF + (((head + i) >>> 0) % L.ZC_CONIN_SIZE)] = data[i];
    }
    Atomics.store(this.words, W(L.ZC_CONIN_HEAD), (head + n) | 0);
    if (n > 0) this.ring();
    return n;
  }

  get pendingInput(): number {
    return (Atomics.load(this.words, W(L.ZC_CONIN_HEAD)) - Atomics.load(this.words, W(L.ZC_CONIN_TAIL))) | 0;
  }

  /** Consumer (any thread): takes up to `max` bytes; safe with several consumers. */
  takeInput(max: number): Uint8Array {
    for (;;) {
      const tail = Atomics.load(this.words, W(L.ZC_CONIN_TAIL));
      const head = Atomics.load(this.words, W(L.ZC_CONIN_HEAD));
      const n = Math.min(max, (head - tail) | 0);
      if (n <= 0) return new Uint8Array(0);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = this.bytes[L.ZONE_CTL_OFF + L.ZC_CONIN_BUF + (((tail + i) >>> 0) % L.ZC_CONIN_SIZE)];
      }
      if (Atomics.compareExchange(this.words, W(L.ZC_CONIN_TAIL), tail, (tail + n) | 0) === tail) return out;
    }
  }
}
