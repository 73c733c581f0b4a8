// The aarch64 machine, described once, as QEMU's arm "virt" machine lays it out (hw/arm/virt.c),
// so guests built for that machine just work: RAM, the GICv3 distributor and redistributors, the
// PL011 UART, the virtio-mmio slots, the generic timer's PPIs and PSCI over HVC. The device tree
// (platform-dt.ts) derives from it, and so will the VMM's bus, the vCPUs' MMIO windows and the loader.
//
// Interrupts are named as the GIC binding's device tree cells name them: SPI n is INTID 32 + n,
// PPI n is INTID 16 + n (so the virtual timer, PPI 11, is INTID 27).
import type { DeviceWindow } from "../engine.js";

export interface MmioWindow {
  base: number;
  size: number;
}

export const MACHINE = {
  model: "tsvisor,aarch64-virt",
  /** What QEMU's virt machine puts in the root's compatible: guests and tools key on it. */
  compatible: "linux,dummy-virt",
  maxVcpus: 32,
  ramBase: 0x4000_0000,
  /** Where QEMU's virt machine loads a raw aarch64 binary (RAM + KERNEL64_LOAD_ADDR). */
  rawLoadAddr: 0x4000_0000 + 0x8_0000,
  /** GICv3: one distributor, then one redistributor frame pair (RD_base + SGI_base, 64 KiB each) per vCPU. */
  gic: {
    dist: { base: 0x0800_0000, size: 0x1_0000 },
    redist: { base: 0x080a_0000, size: 0xf6_0000, perCpu: 0x2_0000 },
    /** The virtual CPU interface's maintenance interrupt (QEMU: ARCH_GIC_MAINT_IRQ). */
    maintenancePpi: 9,
    /** SPIs the distributor implements (GICD_TYPER.ITLinesNumber = spis / 32). */
    spis: 96,
  },
  /** PL011 UART, as ttyAMA0. Its clock is a fixed 24 MHz clock as on QEMU (the AMBA bus needs apb_pclk). */
  uart: { base: 0x0900_0000, size: 0x1000, spi: 1, clockHz: 24_000_000 },
  /** virtio-mmio slot i: window at base + i * stride, SPI firstSpi + i (QEMU: 32 slots of 0x200). */
  virtio: { base: 0x0a00_0000, stride: 0x200, slots: 32, firstSpi: 16 },
  /** ARM generic timer PPIs, in the order of the arm,armv8-timer binding: secure, non-secure physical, virtual, hypervisor. */
  timer: { securePhysPpi: 13, physPpi: 14, virtPpi: 11, hypPpi: 10, counterHz: 62_500_000 },
  /** PSCI 1.1 through HVC (tsvisor plays EL2). */
  psci: { method: "hvc" as const },
  cpuCompatible: "arm,cortex-a57",
} as const;

/** INTID of SPI n / PPI n (GICv3 architecture: SGIs 0-15, PPIs 16-31, SPIs from 32). */
export const spiIntid = (n: number) => 32 + n;
export const ppiIntid = (n: number) => 16 + n;

/**
 * vCPU n's MPIDR_EL1 affinity (Aff1.Aff0): QEMU's virt machine with a GICv3 puts 16 CPUs in a
 * cluster. The GIC redistributors report the same value (GICR_TYPER), the device tree's cpu reg too.
 */
export function mpidrOf(n: number): number {
  return ((n >> 4) << 8) | (n & 15);
}

/** The virtio-mmio slots of a zone with `slots` of them (at most MACHINE.virtio.slots). */
export function virtioWindows(slots: number): (MmioWindow & { spi: number })[] {
  const { base, stride, slots: most, firstSpi } = MACHINE.virtio;
  if (slots > most) throw new Error(`aarch64 machine: ${slots} virtio-mmio slots asked for, the machine has ${most}`);
  return Array.from({ length: slots }, (_, i) => ({ base: base + i * stride, size: stride, spi: firstSpi + i }));
}

/** Every device of a zone with `virtioSlots` virtio-mmio slots, by name, with its window and interrupt (as INTID). */
export function deviceWindows(virtioSlots: number): DeviceWindow[] {
  const { gic, uart } = MACHINE;
  return [
    { name: "gic-distributor", base: gic.dist.base, size: gic.dist.size },
    { name: "gic-redistributors", base: gic.redist.base, size: gic.redist.size },
    { name: "uart", base: uart.base, size: uart.size, irq: spiIntid(uart.spi) },
    ...virtioWindows(virtioSlots).map((w, i) => ({ name: `virtio-mmio@${i}`, base: w.base, size: w.size, irq: spiIntid(w.spi) })),
  ];
}

/** Every MMIO window of a zone with `virtioSlots` slots: what the VMM's bus maps, the rest faults. */
export function mmioWindows(virtioSlots: number): MmioWindow[] {
  return deviceWindows(virtioSlots).map(({ base, size }) => ({ base, size }));
}

/** Redistributor frames needed for `cpus` vCPUs must fit the region QEMU reserves for them. */
export function checkVcpus(cpus: number): void {
  if (cpus < 1 || cpus > MACHINE.maxVcpus || cpus * MACHINE.gic.redist.perCpu > MACHINE.gic.redist.size) {
    throw new Error(`aarch64 machine: ${cpus} vCPUs; it has 1..${MACHINE.maxVcpus}`);
  }
}

