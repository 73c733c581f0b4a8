// The one interface through which the zone layer (config -> zone -> threads -> lifecycle) uses an
// architecture (cf. AxVisor's axvcpu/axvm split, hvisor's arch/ directory). Each engine lives in
// src/engine/<arch>/ with its machine description, its loader and its vCPU worker, and is found
// through registry.ts; src/zone, src/daemon, src/cli and src/config import no engine directly.
//
// A zone's memory is one shared WebAssembly.Memory: the engine's per-zone state first (the zone
// control block, zone-block.ts, at ZONE_CTL_OFF inside it), guest RAM from `ramOffset` on.
import type { FormatChoice } from "../config/zone-config.js";
import type { MmioBus } from "../devices/bus.js";
import type { ConsoleSink, ConsoleUart, GuestMemory, IrqLine } from "../devices/types.js";
import type { Arch } from "./arch.js";
import { WASM_PAGE } from "./zone-block.js";

export type PayloadFormat = Exclude<FormatChoice, "auto">;

/** Guest-physical bytes a payload occupies: [fileOff, fileOff + fileLen) of the file go to `start`, the rest is zero. */
export interface PayloadRegion {
  /** For messages: "kernel", "ELF segment 1", "raw binary". */
  name: string;
  start: number;
  end: number;
  fileOff: number;
  fileLen: number;
}

/** What a kernel file boots as: a Linux Image, an ELF executable or a raw binary, as regions and an entry point. */
export interface Payload {
  format: PayloadFormat;
  entry: number;
  regions: PayloadRegion[];
}

export interface PayloadOptions {
  format?: FormatChoice;
  /** Raw binaries: where they go (default: the engine's). */
  loadAddr?: number;
  /** Raw binaries: where they start (default loadAddr). */
  entry?: number;
}

/** The zone a boot is planned for. */
export interface BootRequest {
  zone: string;
  /** The kernel file, for messages. */
  file: string;
  cpus: number;
  memBytes: number;
  cmdline: string;
  initrdLen?: number;
  /** virtio-mmio slots the machine maps (each gets a device tree node). */
  virtioSlots: number;
}

/** Where everything goes in guest RAM, and the device tree describing the machine. */
export interface BootPlan {
  payload: Payload;
  initrd?: { start: number; end: number };
  dtb: Uint8Array;
  dtbAddr: number;
}

/** A device of the machine: its name ("uart", "plic", "virtio-mmio@0"), MMIO window and interrupt. */
export interface DeviceWindow {
  name: string;
  base: number;
  size: number;
  irq?: number;
}

/** What a zone's vCPUs did, sampled from their shared state (panic confirmation, panic-watch.ts). */
export interface VcpuActivity {
  /** Instructions each vCPU retired so far; empty for an engine that does not count them. */
  instret: bigint[];
  /** Whether any vCPU runs guest user code at this sample. */
  inUser: boolean;
}

/** What every vCPU thread gets as workerData, whatever its engine. */
export interface VcpuThreadData {
  memory: WebAssembly.Memory;
  vcpu: number;
  vcpus: number;
  ramSize: number;
  zoneName: string;
  virtioSlots: number;
  /** Static partitioning: the host CPU this thread pins itself to. */
  hostCpu?: number;
  /**
   * What names this zone's guest from boot to boot (zone, kernel file, memory, vCPUs): the key of
   * an engine's persistent caches (the riscv64 JIT's code cache).
   */
  guestId: string;
  /** The engine's own part (Engine.prepareVcpus' result). */
  engine: unknown;
}

/** What the VMM thread lends the machine's devices. */
export interface PlatformHost {
  buffer: SharedArrayBuffer;
  vcpus: number;
  /** virtio-mmio slots the zone has: the platform says where each is and its interrupt line. */
  virtioSlots: number;
  bus: MmioBus;
  /** The zone's console ring (the UART writes there). */
  console: ConsoleSink;
  /** End the zone in run state `state` (zone-block.ts ZONE_*) with `code`, and wake its threads. */
  endZone(state: number, code: number): void;
}

/** The machine's own devices on the VMM thread, registered on the bus by createPlatform. */
export interface Platform {
  /** The console UART: host input goes there once a driver uses it. */
  uart: ConsoleUart;
  /** Guest RAM as device models (virtio DMA) see it. */
  guestMemory: GuestMemory;
  /** The virtio-mmio slots: where each is mapped, its window's size and its interrupt line. */
  virtioSlots: { base: number; size: number; irq: IrqLine }[];
  /** Publish device state vCPUs read without asking the VMM (zone-block.ts ZC_UART_LSR); after every served access. */
  publish(): void;
}

export interface Engine {
  readonly arch: Arch;
  readonly maxVcpus: number;
  /** Bytes of zone memory before guest RAM (the engine's per-zone state). */
  readonly ramOffset: number;
  /** Guest physical address where RAM starts on this machine. */
  readonly ramBase: number;
  /** Where a raw binary loads when the zone file gives no load_addr. */
  readonly rawLoadAddr: number;
  /** The machine's devices, for tools and messages (the engine's own wiring derives from the same map). */
  devices(virtioSlots: number): DeviceWindow[];
  /** How much of a kernel file describePayload needs at most. */
  readonly payloadHeadBytes: number;
  /** The vCPU thread's module; its workerData is a VcpuThreadData. */
  readonly vcpuWorker: URL;
  /** Check the host settings the vCPU threads read (environment); throws an Error saying which is bad. */
  checkSettings(): void;
  /** What a kernel file boots as; `head` may be its first payloadHeadBytes only. Throws BootError. */
  describePayload(head: Uint8Array, fileSize: number, file: string, o?: PayloadOptions): Payload;
  /** Place payload, initrd and device tree in RAM and build the device tree. Throws BootError. */
  planBoot(z: BootRequest, payload: Payload): BootPlan;
  /**
   * Put every vCPU in its reset state in the zone's fresh memory (the boot vCPU at the entry with
   * the machine's boot registers, the others waiting to be started). Returns the engine's part of
   * every vCPU thread's workerData.
   */
  prepareVcpus(memory: WebAssembly.Memory, cpus: number, memBytes: number, plan: BootPlan): unknown;
  /** Wake vCPU `vcpu` from any wait, so it sees the zone's run state. */
  wakeVcpu(words: Int32Array, vcpu: number): void;
  activity(buffer: ArrayBufferLike, cpus: number): VcpuActivity;
  /** Byte offset in zone memory of vCPU `vcpu`'s MMIO load answer slot (zone-block.ts ZC_MMIO_RING). */
  loadAnswerOffset(vcpu: number): number;
  /** VMM thread: create the machine's devices (interrupt controller, UART, poweroff, RTC, ...) on host.bus. */
  createPlatform(host: PlatformHost): Platform;
}

/** The most guest RAM a zone of engine `e` can have: zone memory is one wasm memory (at most 4 GiB). */
export function maxZoneMemory(e: Engine): number {
  return 4 * 1024 ** 3 - e.ramOffset - WASM_PAGE;
}

/** Offset in zone memory of guest physical address `gpa` (inside RAM). */
export function ramOffsetOf(e: Engine, gpa: number): number {
  return e.ramOffset + (gpa - e.ramBase);
}
