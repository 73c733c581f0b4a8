// Wakes a thread when a file descriptor becomes readable, without that thread polling: a small
// worker blocks in poll(2) and, once the fd is readable, bumps a futex word (e.g. the zone
// doorbell) and waits to be re-armed. The owner re-arms after draining the fd (read → EAGAIN).
import { Worker } from "node:worker_threads";

export interface FdPollerData {
  fd: number;
  ctl: Int32Array; // [ARMED, STOP] on a SharedArrayBuffer
  bell: Int32Array; // word bumped + notified when the fd is readable
  bellIndex: number;
}

export const ARMED = 0;
export const STOP = 1;

export class FdPoller {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  private readonly done: Promise<void>;

  constructor(fd: number, bell: Int32Array, bellIndex: number, onError: (msg: string) => void) {
    const data: FdPollerData = { fd, ctl: this.ctl, bell, bellIndex };
    this.worker = new Worker(new URL("./fd-poller-worker.js", import.meta.url), { workerData: data });
    this.worker.on("message", (m: string) => onError(m));
    this.worker.on("error", (e) => onError(`fd poller: ${e.message}`));
    this.done = new Promise((resolve) => this.worker.once("exit", () => resolve()));
  }

  /** Start (again) waiting for the fd to become readable. */
  arm(): void {
    if (Atomics.load(this.ctl, ARMED) === 1) return;
    Atomics.store(this.ctl, ARMED, 1);
    Atomics.notify(this.ctl, ARMED);
  }

  /** Whether the poller is waiting for the fd (nothing has arrived since arm()). */
  get armed(): boolean {
    return Atomics.load(this.ctl, ARMED) === 1;
  }

  /** Stop the worker; resolves when it has exited (within its poll timeout). */
  stop(): Promise<void> {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, ARMED);
    return this.done;
  }
}
