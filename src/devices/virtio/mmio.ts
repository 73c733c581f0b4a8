// virtio-mmio transport, version 2 (virtio 1.2 §4.2.2), for any VirtioDevice model. Modern only:
// the driver must accept VIRTIO_F_VERSION_1. Queue notifications are recorded and served from
// poll() on the VMM thread, so the notifying vCPU resumes at once. A device model that throws or
// a driver that corrupts a queue gets DEVICE_NEEDS_RESET, never an exception past this class.
import type { DeviceLog, GuestMemory, IrqLine, MmioDevice } from "../types.js";
import { VirtQueue, type Chain } from "./queue.js";

export const VIRTIO_MMIO_MAGIC = 0x74726976; // "virt"
export const VIRTIO_MMIO_VENDOR = 0x53565354; // "TSVS"
export const VIRTIO_MMIO_SIZE = 0x1000;

// Feature bits (virtio 1.2 §6).
export const VIRTIO_F_INDIRECT_DESC = 28;
export const VIRTIO_F_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;

// Device status bits (§2.1).
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;

export const INT_USED = 1;
export const INT_CONFIG = 2;

// Register offsets (§4.2.2).
export const R = {
  MAGIC: 0x000, VERSION: 0x004, DEVICE_ID: 0x008, VENDOR_ID: 0x00c,
  DEVICE_FEATURES: 0x010, DEVICE_FEATURES_SEL: 0x014, DRIVER_FEATURES: 0x020, DRIVER_FEATURES_SEL: 0x024,
  QUEUE_SEL: 0x030, QUEUE_NUM_MAX: 0x034, QUEUE_NUM: 0x038, QUEUE_READY: 0x044, QUEUE_NOTIFY: 0x050,
  INTERRUPT_STATUS: 0x060, INTERRUPT_ACK: 0x064, STATUS: 0x070,
  QUEUE_DESC_LOW: 0x080, QUEUE_DESC_HIGH: 0x084, QUEUE_DRIVER_LOW: 0x090, QUEUE_DRIVER_HIGH: 0x094,
  QUEUE_DEVICE_LOW: 0x0a0, QUEUE_DEVICE_HIGH: 0x0a4, SHM_SEL: 0x0ac, SHM_LEN_LOW: 0x0b0, SHM_LEN_HIGH: 0x0b4,
  SHM_BASE_LOW: 0x0b8, SHM_BASE_HIGH: 0x0bc, CONFIG_GENERATION: 0x0fc, CONFIG: 0x100,
} as const;

const bit = (n: number) => 1n << BigInt(n);

/** What a device model gets from its transport once the driver is ready. */
export interface VirtioContext {
  readonly mem: GuestMemory;
  readonly queues: readonly VirtQueue[];
  /** Features the driver accepted. */
  has(feature: number): boolean;
  /** Interrupt the driver for used buffers on queue q, unless it suppressed that. */
  signalUsed(q: number): void;
  /** The device changed its config space. */
  configChanged(): void;
  /** Unrecoverable: set DEVICE_NEEDS_RESET and stop the device until the driver resets it. */
  needsReset(reason: string): void;
}

/**
 * Serve every chain the driver made available on queue `qi` (serve returns the bytes written into
 * the chain), interrupt the driver once per batch, and go on until re-arming notifications finds
 * nothing more (EVENT_IDX race).
 */
export function drainQueue(ctx: VirtioContext, qi: number, serve: (c: Chain) => number): void {
  const q = ctx.queues[qi];
  do {
    let served = 0;
    for (let c = q.pop(ctx.mem); c !== null; c = q.pop(ctx.mem)) {
      q.push(c.head, serve(c));
      served++;
    }
    if (served > 0) ctx.signalUsed(qi);
  } while (q.armNotify());
}

/** A virtio device model (blk, net, ...): transport independent. */
export interface VirtioDevice {
  readonly deviceId: number;
  /** Maximum size of each queue (a power of two); the length is the number of queues. */
  readonly queueSizes: readonly number[];
  /** Device-specific feature bits; the transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX. */
  readonly features: bigint;
  /** The device-specific configuration space. */
  readonly config: Uint8Array;
  /** The driver wrote bytes of the config space (already bounds-checked). */
  writeConfig?(offset: number, data: Uint8Array): void;
  /** DRIVER_OK: the queues are live. Buffers already made available should be served now. */
  activate(ctx: VirtioContext): void;
  /** The driver notified queue q. */
  notify(q: number): void;
  /** Device reset (status 0 or NEEDS_RESET recovery): drop every reference to the old queues. */
  reset(): void;
  /** Asynchronous host-side work (network receive, console input); called on the VMM thread. */
  poll?(): void;
}

export class VirtioMmio implements MmioDevice {
  /** Why the device last entered NEEDS_RESET (diagnostics). */
  lastError: string | null = null;
  status = 0;
  private readonly queues: VirtQueue[];
  private readonly offered: bigint;
  private driverFeatures = 0n;
  private devFeatSel = 0;
  private drvFeatSel = 0;
  private queueSel = 0;
  private intStatus = 0;
  private generation = 0;
  private kicks = 0; // bit per queue: notified, not yet served
  private active = false;
  private readonly ctx: VirtioContext;

  constructor(
    readonly name: string,
    private readonly dev: VirtioDevice,
    private readonly mem: GuestMemory,
    private readonly irq: IrqLine,
    private readonly log: DeviceLog = () => {},
  ) {
    if (dev.queueSizes.length > 31) throw new Error(`${name}: too many queues`);
    this.queues = dev.queueSizes.map((n, i) => new VirtQueue(n, i));
    this.offered = dev.features | bit(VIRTIO_F_VERSION_1) | bit(VIRTIO_F_INDIRECT_DESC) | bit(VIRTIO_F_EVENT_IDX);
    const self = this;
    this.ctx = {
      mem, queues: this.queues,
      has: (f) => (self.driverFeatures & bit(f)) !== 0n,
      signalUsed: (q) => self.signalUsed(q),
      configChanged: () => self.configChanged(),
      needsReset: (why) => self.needsReset(why),
    };
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= R.CONFIG) return this.readConfig(offset - R.CONFIG, size);
    if (size !== 4 || (offset & 3) !== 0) return 0; // registers are 32-bit only (§4.2.2.2)
    const q = this.queues[this.queueSel] as VirtQueue | undefined;
    switch (offset) {
      case R.MAGIC: return VIRTIO_MMIO_MAGIC;
      case R.VERSION: return 2;
      case R.DEVICE_ID: return this.dev.deviceId;
      case R.VENDOR_ID: return VIRTIO_MMIO_VENDOR;
      case R.DEVICE_FEATURES:
        return this.devFeatSel > 1 ? 0 : Number((this.offered >> BigInt(32 * this.devFeatSel)) & 0xffffffffn);
      case R.QUEUE_NUM_MAX: return q?.maxSize ?? 0;
      case R.QUEUE_READY: return q?.ready ? 1 : 0;
      case R.INTERRUPT_STATUS: return this.intStatus;
      case R.STATUS: return this.status;
      case R.SHM_LEN_LOW: case R.SHM_LEN_HIGH: return 0xffffffff; // no shared memory regions
      case R.SHM_BASE_LOW: case R.SHM_BASE_HIGH: return 0xffffffff;
      case R.CONFIG_GENERATION: return this.generation;
      default: return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset >= R.CONFIG) return this.writeConfig(offset - R.CONFIG, size, value);
    if (size !== 4 || (offset & 3) !== 0) return;
    value >>>= 0;
    const q = this.queues[this.queueSel] as VirtQueue | undefined;
    const qWritable = q !== undefined && !q.ready; // queue layout is frozen while ready
    switch (offset) {
      case R.DEVICE_FEATURES_SEL: this.devFeatSel = value; break;
      case R.DRIVER_FEATURES_SEL: this.drvFeatSel = value; break;
      case R.DRIVER_FEATURES:
        if (this.drvFeatSel <= 1 && !(this.status & STATUS_FEATURES_OK)) {
          const sh = BigInt(32 * this.drvFeatSel);
          this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << sh)) | (BigInt(value) << sh);
        }
        break;
      case R.QUEUE_SEL: this.queueSel = value; break;
      case R.QUEUE_NUM: if (qWritable) q.num = value; break;
      case R.QUEUE_DESC_LOW: if (qWritable) q.descAddr = lo(q.descAddr, value); break;
      case R.QUEUE_DESC_HIGH: if (qWritable) q.descAddr = hi(q.descAddr, value); break;
      case R.QUEUE_DRIVER_LOW: if (qWritable) q.availAddr = lo(q.availAddr, value); break;
      case R.QUEUE_DRIVER_HIGH: if (qWritable) q.availAddr = hi(q.availAddr, value); break;
      case R.QUEUE_DEVICE_LOW: if (qWritable) q.usedAddr = lo(q.usedAddr, value); break;
      case R.QUEUE_DEVICE_HIGH: if (qWritable) q.usedAddr = hi(q.usedAddr, value); break;
      case R.QUEUE_READY: this.setQueueReady(q, value); break;
      case R.QUEUE_NOTIFY: this.onNotify(value & 0xffff); break;
      case R.INTERRUPT_ACK:
        this.intStatus &= ~value;
        this.irq.set(this.intStatus !== 0);
        break;
      case R.STATUS: this.setStatus(value & 0xff); break;
      default: break;
    }
  }

  /** Serve notified queues and the device's host-side work. Called by the VMM loop. */
  poll(): void {
    if (!this.active) return;
    try {
      while (this.kicks !== 0 && this.active) {
        const q = 31 - Math.clz32(this.kicks);
        this.kicks &= ~(1 << q);
        this.dev.notify(q);
        this.checkQueues();
      }
      if (this.active) this.dev.poll?.();
      this.checkQueues();
    } catch (e) {
      this.needsReset(`internal device error: ${(e as Error).message}`);
    }
  }

  private checkQueues(): void {
    for (const q of this.queues) if (q.broken !== null) return this.needsReset(q.broken);
  }

  private onNotify(qi: number): void {
    const q = this.queues[qi] as VirtQueue | undefined;
    if (q === undefined) return this.needsReset(`notify for queue ${qi}, which does not exist`);
    if (!(this.status & STATUS_DRIVER_OK)) return; // served once the driver is ready (activate)
    if (!q.ready) return this.needsReset(`notify for queue ${qi}, which is not ready`);
    this.kicks |= 1 << qi;
  }

  private setQueueReady(q: VirtQueue | undefined, value: number): void {
    if (q === undefined) return;
    if (value === 0) {
      q.ready = false;
      return;
    }
    if (q.ready) return;
    q.indirect = this.has(VIRTIO_F_INDIRECT_DESC);
    q.eventIdx = this.has(VIRTIO_F_EVENT_IDX);
    const err = q.enable(this.mem);
    if (err !== null) this.needsReset(err);
  }

  private has(f: number): boolean {
    return (this.driverFeatures & bit(f)) !== 0n;
  }

  private setStatus(v: number): void {
    if (v === 0) return this.reset();
    const was = this.status;
    // NEEDS_RESET belongs to the device; the driver cannot clear bits except by reset.
    let next = (v & ~STATUS_NEEDS_RESET) | was;
    if ((next & STATUS_FEATURES_OK) && !(was & STATUS_FEATURES_OK)) {
      const unknown = this.driverFeatures & ~this.offered;
      if (unknown !== 0n || !this.has(VIRTIO_F_VERSION_1)) {
        next &= ~STATUS_FEATURES_OK; // refused: the driver reads it back and fails (§3.1.1)
        this.log(`${this.name} features refused`, `${this.name}: features refused (driver 0x${this.driverFeatures.toString(16)})`);
      }
    }
    this.status = next;
    if ((next & STATUS_DRIVER_OK) && !(was & STATUS_DRIVER_OK) && !(next & STATUS_NEEDS_RESET)) {
      if (!(next & STATUS_FEATURES_OK)) return this.needsReset("DRIVER_OK without FEATURES_OK");
      this.active = true;
      try {
        this.dev.activate(this.ctx);
        for (const q of this.queues) if (q.ready && q.hasAvail()) this.kicks |= 1 << q.index;
      } catch (e) {
        this.needsReset(`internal device error: ${(e as Error).message}`);
      }
    }
  }

  private reset(): void {
    this.active = false;
    this.status = 0;
    this.driverFeatures = 0n;
    this.devFeatSel = this.drvFeatSel = this.queueSel = 0;
    this.kicks = 0;
    this.intStatus = 0;
    this.irq.set(false);
    for (const q of this.queues) q.reset();
    try {
      this.dev.reset();
    } catch (e) {
      this.lastError = `reset failed: ${(e as Error).message}`;
    }
  }

  private signalUsed(qi: number): void {
    const q = this.queues[qi];
    if (!this.active || q === undefined || !q.needsInterrupt()) return;
    this.intStatus |= INT_USED;
    this.irq.set(true);
  }

  private configChanged(): void {
    this.generation = (this.generation + 1) >>> 0;
    if (!(this.status & STATUS_DRIVER_OK)) return;
    this.intStatus |= INT_CONFIG;
    this.irq.set(true);
  }

  private needsReset(reason: string): void {
    if (this.status & STATUS_NEEDS_RESET) return;
    this.lastError = reason;
    this.log(`${this.name} needs reset`, `${this.name}: device needs reset: ${reason}`);
    this.active = false;
    this.kicks = 0;
    this.status |= STATUS_NEEDS_RESET;
    if (this.status & STATUS_DRIVER_OK) {
      this.intStatus |= INT_CONFIG; // §2.1.2: a configuration change notification
      this.irq.set(true);
    }
  }

  private readConfig(off: number, size: number): number {
    const c = this.dev.config;
    if (off > c.length - size) return 0;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + c[off + i];
    return v;
  }

  private writeConfig(off: number, size: number, value: number): void {
    const c = this.dev.config;
    if (off > c.length - size || this.dev.writeConfig === undefined) return;
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = (value >>> (8 * i)) & 0xff;
    try {
      this.dev.writeConfig(off, b);
    } catch (e) {
      this.needsReset(`internal device error: ${(e as Error).message}`);
    }
  }
}

function lo(addr: number, v: number): number {
  return Math.floor(addr / 0x100000000) * 0x100000000 + v;
}

function hi(addr: number, v: number): number {
  return v * 0x100000000 + (addr % 0x100000000);
}

/** An empty slot: a virtio-mmio window with device ID 0, which drivers skip (§4.2.3.1.1). */
export class VirtioMmioPlaceholder implements MmioDevice {
  constructor(readonly name: string) {}
  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) return 0;
    if (offset === R.MAGIC) return VIRTIO_MMIO_MAGIC;
    if (offset === R.VERSION) return 2;
    if (offset === R.VENDOR_ID) return VIRTIO_MMIO_VENDOR;
    return 0;
  }
  write(): void {}
}
