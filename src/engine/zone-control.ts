// The zone control block in shared memory: run state, doorbell, console input and output rings.
// Used from every thread of a zone (main, VMM, vCPUs), so everything goes through Atomics.
import * as Z from "./zone-block.js";
import type { ConsoleSink } from "../devices/types.js";

const W = (off: number) => (Z.ZONE_CTL_OFF + off) >> 2;
const OUT_HEAD = W(Z.ZC_CONOUT_HEAD);
const OUT_TAIL = W(Z.ZC_CONOUT_TAIL);
const OUT_LOCK = W(Z.ZC_CONOUT_LOCK);
const OUT_READER = W(Z.ZC_CONOUT_READER);
const OUT_WANT = W(Z.ZC_CONOUT_WANT_ROOM);
const OUT_BUF = Z.ZONE_CTL_OFF + Z.ZC_CONOUT_BUF;
const OUT_SIZE = Z.ZC_CONOUT_SIZE; // a power of two
const LOCK_SPINS = 200; // the lock is held for one copy of at most OUT_SIZE bytes
// Atomics.waitAsync is in Node 20 but not in the ES2022 library this project compiles against.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: false } | { async: true; value: Promise<unknown> };
}).waitAsync;

export class ZoneControl {
  readonly words: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
  }

  get state(): number {
    return Atomics.load(this.words, W(Z.ZC_STATE));
  }
  get running(): boolean {
    return this.state === Z.ZONE_RUNNING;
  }
  get exitCode(): number {
    return Atomics.load(this.words, W(Z.ZC_EXIT_CODE));
  }

  /** First caller wins: moves RUNNING -> `state`. Returns whether this call ended the zone. */
  end(state: number, code = 0): boolean {
    if (Atomics.compareExchange(this.words, W(Z.ZC_STATE), Z.ZONE_RUNNING, state) !== Z.ZONE_RUNNING) return false;
    Atomics.store(this.words, W(Z.ZC_EXIT_CODE), code);
    this.ring();
    return true;
  }

  /** Reset to RUNNING (only before any thread runs). */
  reset(): void {
    Atomics.store(this.words, W(Z.ZC_STATE), Z.ZONE_RUNNING);
    Atomics.store(this.words, W(Z.ZC_EXIT_CODE), 0);
    Atomics.store(this.words, W(Z.ZC_CONIN_HEAD), 0);
    Atomics.store(this.words, W(Z.ZC_CONIN_TAIL), 0);
    for (const i of [OUT_HEAD, OUT_TAIL, OUT_LOCK, OUT_READER, OUT_WANT]) Atomics.store(this.words, i, 0);
  }

  get doorbellIndex(): number {
    return W(Z.ZC_DOORBELL);
  }
  ring(): void {
    Atomics.add(this.words, W(Z.ZC_DOORBELL), 1);
    // A futex wake is a syscall: skip it while the VMM is awake (it re-reads the doorbell before sleeping).
    if (Atomics.load(this.words, W(Z.ZC_VMM_SLEEPING)) !== 0) Atomics.notify(this.words, W(Z.ZC_DOORBELL));
  }

  /** VMM side: sleep until the doorbell moves from `seen` (or `ms` pass). */
  sleepUntilRung(seen: number, ms: number, spin = 0): void {
    // Requests come in bursts (one interrupt alone costs several MMIO exits): polling briefly
    // first saves the vCPU a futex wake of this thread per exit.
    for (let i = 0; i < spin; i++) if (Atomics.load(this.words, W(Z.ZC_DOORBELL)) !== seen) return;
    Atomics.store(this.words, W(Z.ZC_VMM_SLEEPING), 1);
    if (Atomics.load(this.words, W(Z.ZC_DOORBELL)) === seen) Atomics.wait(this.words, W(Z.ZC_DOORBELL), seen, ms);
    Atomics.store(this.words, W(Z.ZC_VMM_SLEEPING), 0);
  }

  /** Producer (host keyboard): returns how many bytes fit. */
  pushInput(data: Uint8Array): number {
    const head = Atomics.load(this.words, W(Z.ZC_CONIN_HEAD));
    const tail = Atomics.load(this.words, W(Z.ZC_CONIN_TAIL));
    const room = Z.ZC_CONIN_SIZE - ((head - tail) | 0);
    const n = Math.min(room, data.length);
    for (let i = 0; i < n; i++) {
      this.bytes[Z.ZONE_CTL_OFF + Z.ZC_CONIN_BUF + (((head + i) >>> 0) % Z.ZC_CONIN_SIZE)] = data[i];
    }
    Atomics.store(this.words, W(Z.ZC_CONIN_HEAD), (head + n) | 0);
    if (n > 0) this.ring();
    return n;
  }

  get pendingInput(): number {
    return (Atomics.load(this.words, W(Z.ZC_CONIN_HEAD)) - Atomics.load(this.words, W(Z.ZC_CONIN_TAIL))) | 0;
  }

  /** Consumer (any thread): takes up to `max` bytes; safe with several consumers. */
  takeInput(max: number): Uint8Array {
    for (;;) {
      const tail = Atomics.load(this.words, W(Z.ZC_CONIN_TAIL));
      const head = Atomics.load(this.words, W(Z.ZC_CONIN_HEAD));
      const n = Math.min(max, (head - tail) | 0);
      if (n <= 0) return new Uint8Array(0);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = this.bytes[Z.ZONE_CTL_OFF + Z.ZC_CONIN_BUF + (((tail + i) >>> 0) % Z.ZC_CONIN_SIZE)];
      }
      if (Atomics.compareExchange(this.words, W(Z.ZC_CONIN_TAIL), tail, (tail + n) | 0) === tail) return out;
    }
  }

  // ---- console output ring (layout.ts ZC_CONOUT_*): many producers, one consumer ----

  /** Producer (any zone thread): copy in as many of `data` as fit; returns how many. Never blocks for long. */
  writeConsole(data: Uint8Array): number {
    if (data.length === 0) return 0;
    let n = this.put(data);
    if (n < data.length) {
      // Full: ask the owner to say when it frees room. It may have done so between put() and
      // this store without seeing the request, so look again once it is posted.
      Atomics.store(this.words, OUT_WANT, 1);
      if (this.consoleRoom() > 0) n += this.put(data.subarray(n));
    }
    if (n > 0 && Atomics.load(this.words, OUT_READER) !== 0) Atomics.notify(this.words, OUT_HEAD);
    return n;
  }

  /** Bytes a producer could write now. */
  consoleRoom(): number {
    return OUT_SIZE - ((Atomics.load(this.words, OUT_HEAD) - Atomics.load(this.words, OUT_TAIL)) | 0);
  }

  /** Bytes written and not taken yet. */
  get consoleQueued(): number {
    return OUT_SIZE - this.consoleRoom();
  }

  /** Producer: sleep until the owner frees room or `ms` pass (returns at once if there is room). */
  waitConsoleRoom(ms: number): void {
    const tail = Atomics.load(this.words, OUT_TAIL);
    if (this.consoleRoom() > 0) return;
    Atomics.store(this.words, OUT_WANT, 1);
    if (this.consoleRoom() > 0) return;
    Atomics.wait(this.words, OUT_TAIL, tail, ms);
  }

  /** The ring as a device's ConsoleSink. */
  readonly consoleSink: ConsoleSink = {
    write: (bytes) => this.writeConsole(bytes),
    room: () => this.consoleRoom(),
  };

  /** Consumer (the owner thread only): everything written so far, or null. */
  takeConsole(): Uint8Array | null {
    const tail = Atomics.load(this.words, OUT_TAIL);
    const n = (Atomics.load(this.words, OUT_HEAD) - tail) | 0;
    if (n <= 0) return null;
    const out = new Uint8Array(n);
    const at = tail & (OUT_SIZE - 1);
    const first = Math.min(n, OUT_SIZE - at);
    out.set(this.bytes.subarray(OUT_BUF + at, OUT_BUF + at + first));
    if (n > first) out.set(this.bytes.subarray(OUT_BUF, OUT_BUF + n - first), first);
    Atomics.store(this.words, OUT_TAIL, (tail + n) | 0);
    if (Atomics.load(this.words, OUT_WANT) !== 0 && Atomics.exchange(this.words, OUT_WANT, 0) !== 0) {
      Atomics.notify(this.words, OUT_TAIL); // vCPUs in waitConsoleRoom (SBI console)
      this.ring(); // the VMM thread: UART transmitter and virtio-console queue resume
    }
    return out;
  }

  /**
   * Consumer: a promise that settles once something is written (or after `ms`), or null when
   * there is data already. The owner's event loop goes on meanwhile.
   */
  waitConsoleData(ms: number): Promise<unknown> | null {
    const consumed = Atomics.load(this.words, OUT_TAIL); // empty while the head is still there
    Atomics.store(this.words, OUT_READER, 1); // producers notify from now on
    const w = waitAsync(this.words, OUT_HEAD, consumed, ms);
    if (!w.async) {
      Atomics.store(this.words, OUT_READER, 0);
      return null;
    }
    return w.value.then(() => Atomics.store(this.words, OUT_READER, 0));
  }

  /** Consumer: settle a pending waitConsoleData at once (the zone has ended). */
  releaseConsoleReader(): void {
    Atomics.notify(this.words, OUT_HEAD);
  }

  /** Copy what fits under the producers' lock. */
  private put(data: Uint8Array): number {
    this.lockOut();
    const head = Atomics.load(this.words, OUT_HEAD);
    const room = OUT_SIZE - ((head - Atomics.load(this.words, OUT_TAIL)) | 0);
    const n = Math.min(room, data.length);
    const at = head & (OUT_SIZE - 1);
    const first = Math.min(n, OUT_SIZE - at);
    this.bytes.set(data.subarray(0, first), OUT_BUF + at);
    if (n > first) this.bytes.set(data.subarray(first, n), OUT_BUF);
    Atomics.store(this.words, OUT_HEAD, (head + n) | 0);
    this.unlockOut();
    return n;
  }

  // A futex mutex: 0 free, 1 held, 2 held with (possible) sleepers; spin first, it is held briefly.
  private lockOut(): void {
    let c = Atomics.compareExchange(this.words, OUT_LOCK, 0, 1);
    for (let i = 0; c !== 0 && i < LOCK_SPINS; i++) {
      if (Atomics.load(this.words, OUT_LOCK) === 0) c = Atomics.compareExchange(this.words, OUT_LOCK, 0, 1);
    }
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(this.words, OUT_LOCK, 2);
    while (c !== 0) {
      Atomics.wait(this.words, OUT_LOCK, 2, 10);
      c = Atomics.exchange(this.words, OUT_LOCK, 2);
    }
  }

  private unlockOut(): void {
    if (Atomics.exchange(this.words, OUT_LOCK, 0) === 2) Atomics.notify(this.words, OUT_LOCK, 1);
  }
}

/** How long the owner's wait for console data lasts before it looks again anyway (ms). */
const DRAIN_POLL_MS = 100;

/**
 * The zone owner's side of the console output ring: hands each batch of bytes to `emit` without
 * ever blocking the owner's event loop (one batch per turn). While paused it leaves the bytes in
 * the ring, which fills and holds the guest back.
 */
export class ConsoleDrain {
  private paused = false;
  private closed = false;
  private scheduled = false; // a turn is queued (setImmediate) or waiting for data

  constructor(private readonly ctl: ZoneControl, private readonly emit: (bytes: Uint8Array) => void) {}

  start(): void {
    this.schedule();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /** The zone's threads are gone: emit what is left, paused or not, and stop. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let d = this.ctl.takeConsole(); d !== null; d = this.ctl.takeConsole()) this.emit(d);
    this.ctl.releaseConsoleReader();
  }

  private schedule(): void {
    if (this.scheduled || this.paused || this.closed) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    this.scheduled = false;
    if (this.paused || this.closed) return;
    const d = this.ctl.takeConsole();
    if (d !== null) {
      this.emit(d); // may pause() or end the zone
      this.schedule();
      return;
    }
    const w = this.ctl.waitConsoleData(DRAIN_POLL_MS);
    this.scheduled = true;
    if (w === null) setImmediate(this.turn);
    else void w.then(this.turn);
  };
}
