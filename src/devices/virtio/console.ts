// virtio-console (virtio 1.2 §5.3), single port: the guest's hvc0. Output goes to a bounded
// console sink: a transmit buffer is used (returned to the driver) only once the sink has taken
// all of it, so while the sink is full the driver's buffers stay with the device and hvc0 waits;
// poll() goes on when room returns. Input is queued by the host and handed to the guest as
// receive buffers allow.
import type { VirtioContext, VirtioDevice } from "./mmio.js";
import { readFromChain, writeToChain, type Chain } from "./queue.js";
import type { ConsoleSink } from "../types.js";

export const VIRTIO_ID_CONSOLE = 3;
const RXQ = 0;
const TXQ = 1;
const QUEUE_SIZE = 64;
/** Host input held while the guest has no receive buffers; more is refused (see canReceive). */
const MAX_PENDING = 64 * 1024;
/** Bytes of output taken from one transmit request; the rest of a huge request is dropped. */
const MAX_TX = 64 * 1024;
/** Bytes copied out of guest memory per step of a transmit request. */
const TX_STEP = 4096;

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly queueSizes = [QUEUE_SIZE, QUEUE_SIZE];
  readonly features = 0n;
  readonly config = new Uint8Array(12); // cols, rows, max_nr_ports, emerg_wr: unused without features
  private ctx: VirtioContext | null = null;
  private input: Uint8Array[] = [];
  private pendingBytes = 0;
  // The transmit request being written out, and how far.
  private tx: Chain | null = null;
  private txOff = 0;
  private readonly txBuf = new Uint8Array(TX_STEP);

  constructor(private readonly output: ConsoleSink) {}

  /** Whether the driver is up and more host input fits. */
  get canReceive(): boolean {
    return this.ctx !== null && this.pendingBytes < MAX_PENDING;
  }

  /** Queue host input for the guest (dropped when the device is not running). */
  receive(bytes: Uint8Array): void {
    if (this.ctx === null || bytes.length === 0) return;
    this.input.push(bytes.slice());
    this.pendingBytes += bytes.length;
    this.deliver();
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = null;
    this.input = [];
    this.pendingBytes = 0;
    this.tx = null;
  }

  notify(q: number): void {
    if (q === TXQ) this.transmit();
    else this.deliver();
  }

  poll(): void {
    this.deliver();
    if (this.tx !== null || this.ctx?.queues[TXQ].hasAvail()) this.transmit();
  }

  /** Write out transmit requests in order while the sink takes them. */
  private transmit(): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    const q = ctx.queues[TXQ];
    let served = 0;
    for (;;) {
      if (this.tx === null) {
        if (this.output.room() === 0) break; // leave the next request with the driver
        this.tx = q.pop(ctx.mem);
        this.txOff = 0;
        if (this.tx === null) {
          if (q.armNotify()) continue;
          break;
        }
      }
      const c = this.tx;
      const len = c.fault === null ? Math.min(c.readLen, MAX_TX) : 0;
      while (this.txOff < len) {
        const step = this.txBuf.subarray(0, Math.min(TX_STEP, len - this.txOff, this.output.room()));
        if (step.length === 0) break;
        readFromChain(c, this.txOff, step);
        const n = this.output.write(step); // the sink copies; `step` is reused
        this.txOff += n;
        if (n < step.length) break;
      }
      if (this.txOff < len) break; // the sink is full: go on from here in poll()
      q.push(c.head, 0);
      this.tx = null;
      served++;
    }
    if (served > 0) ctx.signalUsed(TXQ);
  }

  /** Up to `max` bytes of queued input. */
  private take(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.pendingBytes));
    let off = 0;
    while (off < out.length) {
      const head = this.input[0];
      const n = Math.min(head.length, out.length - off);
      out.set(head.subarray(0, n), off);
      off += n;
      if (n === head.length) this.input.shift();
      else this.input[0] = head.subarray(n);
    }
    this.pendingBytes -= off;
    return out;
  }

  private deliver(): void {
    const ctx = this.ctx;
    if (ctx === null || this.input.length === 0) return;
    const q = ctx.queues[RXQ];
    let served = 0;
    while (this.input.length > 0) {
      const c = q.pop(ctx.mem);
      if (c === null) {
        if (q.armNotify()) continue;
        break;
      }
      let done = 0;
      if (c.fault === null && c.writeLen > 0) done = writeToChain(c, 0, this.take(Math.min(c.writeLen, MAX_TX)));
      q.push(c.head, done);
      served++;
    }
    if (served > 0) ctx.signalUsed(RXQ);
  }
}
