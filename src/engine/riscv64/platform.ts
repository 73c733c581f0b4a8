// The riscv64 zone platform: a QEMU-virt-like memory map, and the device tree built from it.
import { buildPlatformDtb, type PlatformDescription } from "./platform-dt.js";
import { RAM_BASE } from "./layout.js";

export const UART_BASE = 0x10000000;
export const UART_SIZE = 0x100;
export const UART_IRQ = 10;
export const UART_CLOCK = 3686400;
export const PLIC_BASE = 0x0c000000;
export const PLIC_SIZE = 0x600000;
export const PLIC_NDEV = 63;
/** PLIC contexts per hart, as on QEMU virt: 2N is hart N's M-mode context, 2N + 1 its S-mode one. */
export const PLIC_CONTEXTS_PER_HART = 2;
/** The hart whose S-mode external interrupt PLIC context `ctx` drives, or -1 (an M-mode context). */
export function plicContextHart(ctx: number): number {
  return ctx % PLIC_CONTEXTS_PER_HART === 1 ? (ctx - 1) / PLIC_CONTEXTS_PER_HART : -1;
}
export const SYSCON_BASE = 0x100000;
export const SYSCON_SIZE = 0x1000;
/** Goldfish RTC ("google,goldfish-rtc"), where and on which PLIC source QEMU virt has it. */
export const RTC_BASE = 0x101000;
export const RTC_SIZE = 0x1000;
export const RTC_IRQ = 11;
export const VIRTIO_BASE = 0x10001000;
export const VIRTIO_STRIDE = 0x1000;
export const VIRTIO_IRQ_BASE = 1;
export const TIMEBASE_HZ = 10_000_000;
export const ISA = "rv64imafdc_zicsr_zifencei_zba_zbb_sstc";
export const ISA_EXTENSIONS = ["i", "m", "a", "f", "d", "c", "zicsr", "zifencei", "zba", "zbb", "sstc"];

export const VIRTIO_QUEUE_NOTIFY = 0x50; // register offset in a virtio-mmio window

/** The MMIO windows a zone with `virtioSlots` virtio-mmio slots has (the VMM maps a device on each). */
export function mmioWindows(virtioSlots: number): { base: number; size: number }[] {
  return [
    { base: SYSCON_BASE, size: SYSCON_SIZE },
    { base: RTC_BASE, size: RTC_SIZE },
    { base: PLIC_BASE, size: PLIC_SIZE },
    { base: UART_BASE, size: UART_SIZE },
    ...Array.from({ length: virtioSlots }, (_, i) => ({ base: VIRTIO_BASE + i * VIRTIO_STRIDE, size: VIRTIO_STRIDE })),
  ];
}

export interface PlatformParams {
  harts: number;
  ramSize: number;
  bootargs: string;
  initrd?: { start: number; end: number };
  virtioSlots?: number;
}

export function describePlatform(p: PlatformParams): PlatformDescription {
  return {
    model: "tsvisor,riscv64-virt",
    harts: p.harts,
    isa: ISA,
    isaExtensions: ISA_EXTENSIONS,
    mmuType: "riscv,sv48",
    timebaseFrequency: TIMEBASE_HZ,
    memory: { base: RAM_BASE, size: p.ramSize },
    bootargs: p.bootargs,
    initrd: p.initrd,
    stdoutPath: true,
    uart: { base: UART_BASE, size: UART_SIZE, irq: UART_IRQ, clockFrequency: UART_CLOCK },
    plic: { base: PLIC_BASE, size: PLIC_SIZE, ndev: PLIC_NDEV },
    syscon: { base: SYSCON_BASE, size: SYSCON_SIZE },
    rtc: { base: RTC_BASE, size: RTC_SIZE, irq: RTC_IRQ },
    virtio: Array.from({ length: p.virtioSlots ?? 0 }, (_, i) => ({
      base: VIRTIO_BASE + i * VIRTIO_STRIDE, size: VIRTIO_STRIDE, irq: VIRTIO_IRQ_BASE + i,
    })),
  };
}

export function buildDtb(p: PlatformParams): Uint8Array {
  return buildPlatformDtb(describePlatform(p));
}
