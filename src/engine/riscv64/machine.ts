// The riscv64 machine, described once (cf. TinyEMU's PhysMemoryMap, Firecracker's builder): RAM,
// each device's MMIO window and interrupt, the virtio-mmio slots. Everything that needs the memory
// map derives it from here: the device tree (describePlatform -> platform-dt.ts), the VMM's bus
// (platform-devices.ts), the vCPUs' MMIO fault windows (mmioWindows) and the loader's placement
// (RAM). The map is QEMU's riscv "virt" machine's, so guests written for that machine just work.
import { buildPlatformDtb, type PlatformDescription } from "./platform-dt.js";
import type { DeviceWindow } from "../engine.js";
import { MAX_HARTS, RAM_BASE } from "./layout.js";
import { VIRTIO_MMIO_SIZE } from "../../devices/virtio/mmio.js";

export interface MmioWindow {
  base: number;
  size: number;
}

export const MACHINE = {
  model: "tsvisor,riscv64-virt",
  maxHarts: MAX_HARTS,
  /** Where RAM starts (RAM_BASE lives in layout.ts because the core is compiled from it). */
  ramBase: RAM_BASE,
  /** Where OpenSBI hands over to the next stage on QEMU virt: raw binaries load here by default. */
  rawLoadAddr: RAM_BASE + 0x200000,
  /** The core's time CSR counts at this rate too (core/csr.ts, which cannot import this file). */
  timebaseHz: 10_000_000,
  isa: "rv64imafdc_zicsr_zifencei_zba_zbb_sstc",
  isaExtensions: ["i", "m", "a", "f", "d", "c", "zicsr", "zifencei", "zba", "zbb", "sstc"],
  mmuType: "riscv,sv48",
  /** SiFive test finisher: poweroff, reboot and exit status. */
  syscon: { base: 0x100000, size: 0x1000 },
  /** Goldfish RTC ("google,goldfish-rtc"), where and on which PLIC source QEMU virt has it. */
  rtc: { base: 0x101000, size: 0x1000, irq: 11 },
  /** PLIC contexts per hart, as on QEMU virt: 2N is hart N's M-mode context, 2N + 1 its S-mode one. */
  plic: { base: 0x0c000000, size: 0x600000, sources: 63, contextsPerHart: 2 },
  /** The console UART: a 16550 (ns16550a). */
  uart: { base: 0x10000000, size: 0x100, irq: 10, clockHz: 3686400 },
  /** virtio-mmio slot i: window at base + i * VIRTIO_MMIO_SIZE, PLIC source firstIrq + i. */
  virtio: { base: 0x10001000, firstIrq: 1 },
} as const;

/** The virtio-mmio slots of a zone with `slots` of them. */
export function virtioWindows(slots: number): (MmioWindow & { irq: number })[] {
  return Array.from({ length: slots }, (_, i) => ({
    base: MACHINE.virtio.base + i * VIRTIO_MMIO_SIZE, size: VIRTIO_MMIO_SIZE, irq: MACHINE.virtio.firstIrq + i,
  }));
}

/** Every device of a zone with `virtioSlots` virtio-mmio slots, by name, with its window and interrupt. */
export function deviceWindows(virtioSlots: number): DeviceWindow[] {
  const { syscon, rtc, plic, uart } = MACHINE;
  return [
    { name: "syscon", base: syscon.base, size: syscon.size },
    { name: "rtc", base: rtc.base, size: rtc.size, irq: rtc.irq },
    { name: "plic", base: plic.base, size: plic.size },
    { name: "uart", base: uart.base, size: uart.size, irq: uart.irq },
    ...virtioWindows(virtioSlots).map((w, i) => ({ name: `virtio-mmio@${i}`, ...w })),
  ];
}

/** Every MMIO window of a zone with `virtioSlots` slots: what the VMM's bus maps, the rest faults. */
export function mmioWindows(virtioSlots: number): MmioWindow[] {
  return deviceWindows(virtioSlots).map(({ base, size }) => ({ base, size }));
}

/** The hart whose S-mode external interrupt PLIC context `ctx` drives, or -1 (an M-mode context). */
export function plicContextHart(ctx: number): number {
  const n = MACHINE.plic.contextsPerHart;
  return ctx % n === 1 ? (ctx - 1) / n : -1;
}

export interface ZonePlatform {
  harts: number;
  ramSize: number;
  bootargs: string;
  initrd?: { start: number; end: number };
  virtioSlots: number;
}

/** The device tree generator's input for one zone on this machine. */
export function describePlatform(p: ZonePlatform): PlatformDescription {
  const { uart, plic, syscon, rtc } = MACHINE;
  return {
    model: MACHINE.model,
    harts: p.harts,
    isa: MACHINE.isa,
    isaExtensions: [...MACHINE.isaExtensions],
    mmuType: MACHINE.mmuType,
    timebaseFrequency: MACHINE.timebaseHz,
    memory: { base: MACHINE.ramBase, size: p.ramSize },
    bootargs: p.bootargs,
    initrd: p.initrd,
    stdoutPath: true,
    uart: { base: uart.base, size: uart.size, irq: uart.irq, clockFrequency: uart.clockHz },
    plic: { base: plic.base, size: plic.size, ndev: plic.sources },
    syscon: { ...syscon },
    rtc: { ...rtc },
    virtio: virtioWindows(p.virtioSlots),
  };
}

export function buildDtb(p: ZonePlatform): Uint8Array {
  return buildPlatformDtb(describePlatform(p));
}
