// virtio-net (virtio 1.2 §5.1): one receive and one transmit queue over a NetBackend (a host
// TAP device opened with IFF_VNET_HDR, or a test double). Frames travel with the 12-byte
// virtio_net_hdr the TAP understands, so checksum and TSO offload from the guest pass straight
// through to the host kernel. Receive buffers are "small" (no mergeable buffers, no guest GSO).
import { drainQueue, type VirtioContext, type VirtioDevice } from "./mmio.js";
import { readFromChain, writeToChain, type Chain } from "./queue.js";

export const VIRTIO_ID_NET = 1;
export const NET_F_CSUM = 0;
export const NET_F_GUEST_CSUM = 1;
export const NET_F_MAC = 5;
export const NET_F_HOST_TSO4 = 11;
export const NET_F_HOST_TSO6 = 12;
export const NET_F_HOST_ECN = 13;
export const NET_F_STATUS = 16;
export const NET_HDR_LEN = 12; // struct virtio_net_hdr with num_buffers (VERSION_1)
export const NET_HDR_F_DATA_VALID = 2;
export const RX = 0;
export const TX = 1;

const QUEUE_SIZE = 256;
/** Largest frame accepted from the guest: a 64 KiB TSO frame plus headers. */
export const MAX_TX_BYTES = NET_HDR_LEN + 14 + 4 + 65535;
const RX_BUDGET = 256; // frames per poll, so one busy link cannot starve the VMM loop

/** Host side of a virtio-net device. Frames include the 12-byte virtio_net_hdr. */
export interface NetBackend {
  /** Send one frame; false when the host dropped it. */
  send(frame: Uint8Array): boolean;
  /** Receive one frame into dst: its length, 0 when none is pending. A longer frame is cut. */
  receive(dst: Uint8Array): number;
  /** Call when receive() returned 0: the backend wakes the VMM loop once a frame arrives. */
  armReceive(): void;
  /** False while armed and nothing arrived: poll() then skips the receive attempt (a syscall). */
  mayReceive?(): boolean;
}

export class VirtioNet implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_NET;
  readonly queueSizes = [QUEUE_SIZE, QUEUE_SIZE];
  readonly features = [NET_F_CSUM, NET_F_GUEST_CSUM, NET_F_MAC, NET_F_HOST_TSO4, NET_F_HOST_TSO6, NET_F_HOST_ECN,
    NET_F_STATUS].reduce((f, b) => f | (1n << BigInt(b)), 0n);
  readonly config = new Uint8Array(8);
  readonly stats = { txFrames: 0, txBytes: 0, txDropped: 0, rxFrames: 0, rxBytes: 0, rxDropped: 0 };
  private ctx: VirtioContext | null = null;
  private readonly bounce = new Uint8Array(MAX_TX_BYTES);
  private pending = 0; // length of a received frame held in `bounce` until a buffer is free
  private guestCsum = false;

  constructor(private readonly backend: NetBackend, mac: Uint8Array) {
    if (mac.length !== 6) throw new Error("virtio-net: a MAC address has 6 bytes");
    this.config.set(mac, 0);
    this.config[6] = 1; // status: VIRTIO_NET_S_LINK_UP
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
    this.guestCsum = ctx.has(NET_F_GUEST_CSUM);
    this.pending = 0;
  }

  reset(): void {
    this.ctx = null;
    this.pending = 0;
  }

  notify(q: number): void {
    if (q === TX) this.transmit();
    else if (q === RX) this.receive();
  }

  poll(): void {
    if (this.pending > 0 || this.backend.mayReceive?.() !== false) this.receive();
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    drainQueue(ctx, TX, (c) => {
      this.sendChain(c);
      return 0;
    });
  }

  private sendChain(c: Chain): void {
    const s = this.stats;
    if (c.fault !== null || c.readLen <= NET_HDR_LEN || c.readLen > MAX_TX_BYTES) {
      s.txDropped++;
      return;
    }
    let frame: Uint8Array;
    if (c.readable.length === 1) frame = c.readable[0]; // straight from guest memory
    else frame = this.bounce.subarray(0, readFromChain(c, 0, this.bounce.subarray(0, c.readLen)));
    if (this.backend.send(frame)) {
      s.txFrames++;
      s.txBytes += frame.length - NET_HDR_LEN;
    } else s.txDropped++;
  }

  private receive(): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    const q = ctx.queues[RX];
    let served = 0;
    for (let budget = RX_BUDGET; budget > 0; budget--) {
      const c = q.pop(ctx.mem);
      if (c === null) {
        if (q.armNotify()) continue; // buffers arrived while arming
        break; // no buffer: the driver's next notify brings us back
      }
      const n = this.fill(c);
      if (n < 0) { // nothing to receive
        q.unpop();
        this.backend.armReceive();
        break;
      }
      q.push(c.head, n);
      served++;
    }
    if (served > 0) ctx.signalUsed(RX);
  }

  /** Put the next frame into chain c: bytes written, 0 for a dropped frame, -1 when none pending. */
  private fill(c: Chain): number {
    const s = this.stats;
    if (c.fault !== null || c.writeLen < NET_HDR_LEN) { // unusable buffer: spend a pending frame on it
      if (this.pending === 0 && this.backend.receive(this.bounce) <= 0) return -1;
      this.pending = 0;
      s.rxDropped++;
      return 0;
    }
    let n = this.pending;
    let dst: Uint8Array;
    if (n > 0) {
      dst = c.writable[0];
      n = writeToChain(c, 0, this.bounce.subarray(0, n));
      this.pending = 0;
    } else if (c.writable.length === 1) {
      dst = c.writable[0];
      n = this.backend.receive(dst); // straight into guest memory
      if (n <= 0) return -1;
    } else {
      n = this.backend.receive(this.bounce);
      if (n <= 0) return -1;
      dst = c.writable[0];
      n = writeToChain(c, 0, this.bounce.subarray(0, n));
    }
    if (dst.length < NET_HDR_LEN) { // header split over buffers: fix it up through a copy
      const h = new Uint8Array(NET_HDR_LEN);
      readWritten(c, h);
      patchHeader(h, this.guestCsum);
      writeToChain(c, 0, h);
    } else patchHeader(dst, this.guestCsum);
    s.rxFrames++;
    s.rxBytes += n - NET_HDR_LEN;
    return n;
  }
}

/** Our view of the header the backend wrote: only DATA_VALID may pass, one buffer per frame. */
function patchHeader(h: Uint8Array, guestCsum: boolean): void {
  h[0] = guestCsum ? h[0] & NET_HDR_F_DATA_VALID : 0;
  h[1] = 0; // GSO_NONE: no guest GSO offered
  h[10] = 1; // num_buffers
  h[11] = 0;
}

function readWritten(c: Chain, dst: Uint8Array): void {
  let off = 0;
  for (const seg of c.writable) {
    const n = Math.min(seg.length, dst.length - off);
    dst.set(seg.subarray(0, n), off);
    off += n;
    if (off === dst.length) break;
  }
}
