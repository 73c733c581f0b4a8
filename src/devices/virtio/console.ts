// virtio-console (virtio 1.2 §5.3), single port: the guest's hvc0. Output goes to a host
// callback; input is queued by the host and handed to the guest as receive buffers allow.
import { drainQueue, type VirtioContext, type VirtioDevice } from "./mmio.js";
import { readFromChain, writeToChain } from "./queue.js";

export const VIRTIO_ID_CONSOLE = 3;
const RXQ = 0;
const TXQ = 1;
const QUEUE_SIZE = 64;
/** Host input held while the guest has no receive buffers; more is refused (see canReceive). */
const MAX_PENDING = 64 * 1024;
/** Bytes of output taken from one transmit request; the rest of a huge request is dropped. */
const MAX_TX = 64 * 1024;

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly queueSizes = [QUEUE_SIZE, QUEUE_SIZE];
  readonly features = 0n;
  readonly config = new Uint8Array(12); // cols, rows, max_nr_ports, emerg_wr: unused without features
  private ctx: VirtioContext | null = null;
  private input: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(private readonly output: (bytes: Uint8Array) => void) {}

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
  }

  notify(q: number): void {
    if (q === TXQ) this.transmit();
    else this.deliver();
  }

  poll(): void {
    this.deliver();
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    drainQueue(ctx, TXQ, (c) => {
      if (c.fault === null && c.readLen > 0) {
        const out = new Uint8Array(Math.min(c.readLen, MAX_TX));
        readFromChain(c, 0, out);
        this.output(out);
      }
      return 0;
    });
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
