// A zone's device tree on the aarch64 machine (machine.ts), shaped as QEMU's arm virt machine
// writes it so an unmodified arm64 Linux (defconfig) finds every device: GICv3, the generic
// timer, PSCI over HVC, the PL011 as the console, the virtio-mmio slots.
import { FdtBuilder, u64Cells } from "../fdt.js";
import { checkVcpus, MACHINE, mpidrOf, virtioWindows } from "./machine.js";

export interface ZonePlatform {
  cpus: number;
  ramSize: number;
  bootargs: string;
  initrd?: { start: number; end: number };
  virtioSlots: number;
}

// The GIC binding's interrupt cells: <type number flags>.
const GIC_SPI = 0;
const GIC_PPI = 1;
const IRQ_EDGE_RISING = 1;
const IRQ_LEVEL_HIGH = 4;

const unit = (addr: number) => addr.toString(16);
const reg64 = (base: number, size: number) => [...u64Cells(base), ...u64Cells(size)];

export function buildDtb(p: ZonePlatform): Uint8Array {
  checkVcpus(p.cpus);
  const { gic, uart, timer } = MACHINE;
  const fdt = new FdtBuilder();
  fdt.beginNode("");
  fdt.propU32("#address-cells", 2).propU32("#size-cells", 2);
  fdt.propStrings("compatible", [MACHINE.model, MACHINE.compatible]).propString("model", MACHINE.model);
  fdt.propU32("interrupt-parent", fdt.ref("gic"));

  fdt.beginNode("chosen");
  fdt.propString("bootargs", p.bootargs).propString("stdout-path", `/pl011@${unit(uart.base)}`);
  if (p.initrd) fdt.propU64("linux,initrd-start", p.initrd.start).propU64("linux,initrd-end", p.initrd.end);
  fdt.endNode();

  fdt.beginNode(`memory@${unit(MACHINE.ramBase)}`);
  fdt.propString("device_type", "memory").propCells("reg", reg64(MACHINE.ramBase, p.ramSize));
  fdt.endNode();

  fdt.beginNode("psci");
  fdt.propStrings("compatible", ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"]).propString("method", MACHINE.psci.method);
  // The PSCI 0.1 function IDs, for kernels that only know the first binding (SMC32/SMC64 calling convention).
  fdt.propU32("cpu_suspend", 0xc4000001).propU32("cpu_off", 0x84000002).propU32("cpu_on", 0xc4000003).propU32("migrate", 0xc4000005);
  fdt.endNode();

  fdt.beginNode("cpus");
  fdt.propU32("#address-cells", 1).propU32("#size-cells", 0);
  for (let n = 0; n < p.cpus; n++) {
    fdt.beginNode(`cpu@${unit(mpidrOf(n))}`);
    fdt.phandle(`cpu${n}`);
    fdt.propString("device_type", "cpu").propString("compatible", MACHINE.cpuCompatible).propU32("reg", mpidrOf(n));
    // Secondary vCPUs start through PSCI CPU_ON; a single vCPU needs no enable-method (as on QEMU).
    if (p.cpus > 1) fdt.propString("enable-method", "psci");
    fdt.endNode();
  }
  fdt.beginNode("cpu-map").beginNode("socket0");
  for (let c = 0; c * 16 < p.cpus; c++) {
    fdt.beginNode(`cluster${c}`);
    for (let n = c * 16; n < Math.min(p.cpus, c * 16 + 16); n++) fdt.beginNode(`core${n - c * 16}`).propU32("cpu", fdt.ref(`cpu${n}`)).endNode();
    fdt.endNode();
  }
  fdt.endNode().endNode();
  fdt.endNode(); // cpus

  fdt.beginNode("timer");
  fdt.propStrings("compatible", ["arm,armv8-timer", "arm,armv7-timer"]);
  const ppis = [timer.securePhysPpi, timer.physPpi, timer.virtPpi, timer.hypPpi];
  fdt.propCells("interrupts", ppis.flatMap((n) => [GIC_PPI, n, IRQ_LEVEL_HIGH]));
  fdt.propEmpty("always-on");
  fdt.endNode();

  fdt.beginNode("apb-pclk");
  fdt.phandle("apb_pclk");
  fdt.propString("compatible", "fixed-clock").propU32("#clock-cells", 0);
  fdt.propU32("clock-frequency", uart.clockHz).propString("clock-output-names", "clk24mhz");
  fdt.endNode();

  fdt.beginNode(`intc@${unit(gic.dist.base)}`);
  fdt.phandle("gic");
  fdt.propString("compatible", "arm,gic-v3").propU32("#interrupt-cells", 3).propEmpty("interrupt-controller");
  fdt.propU32("#address-cells", 2).propU32("#size-cells", 2).propEmpty("ranges");
  fdt.propU32("#redistributor-regions", 1);
  // The redistributor region as large as the zone's vCPUs need: Linux stops at the last frame.
  fdt.propCells("reg", [...reg64(gic.dist.base, gic.dist.size), ...reg64(gic.redist.base, p.cpus * gic.redist.perCpu)]);
  fdt.propCells("interrupts", [GIC_PPI, gic.maintenancePpi, IRQ_LEVEL_HIGH]);
  fdt.endNode();

  fdt.beginNode(`pl011@${unit(uart.base)}`);
  fdt.propStrings("compatible", ["arm,pl011", "arm,primecell"]).propCells("reg", reg64(uart.base, uart.size));
  fdt.propCells("interrupts", [GIC_SPI, uart.spi, IRQ_LEVEL_HIGH]);
  fdt.propCells("clocks", [fdt.ref("apb_pclk"), fdt.ref("apb_pclk")]).propStrings("clock-names", ["uartclk", "apb_pclk"]);
  fdt.endNode();

  for (const v of virtioWindows(p.virtioSlots)) {
    fdt.beginNode(`virtio_mmio@${unit(v.base)}`);
    fdt.propString("compatible", "virtio,mmio").propCells("reg", reg64(v.base, v.size));
    fdt.propCells("interrupts", [GIC_SPI, v.spi, IRQ_EDGE_RISING]).propEmpty("dma-coherent");
    fdt.endNode();
  }
  fdt.endNode(); // root
  return fdt.finish();
}
