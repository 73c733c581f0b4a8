// Generates a zone's device tree from its platform description. The shape follows QEMU's riscv
// "virt" machine so that an unmodified Linux 6.1 (defconfig) finds every device.

import { FdtBuilder, u64Cells } from "../fdt.js";
import { MAX_HARTS } from "./layout.js";

export interface PlatformDescription {
  model: string; // e.g. "tsvisor,riscv64-virt"
  harts: number; // 1..32, hart ids 0..n-1
  isa: string; // riscv,isa string e.g. "rv64imafdc_zicsr_zifencei_zba_zbb_sstc"
  isaExtensions: string[]; // for riscv,isa-base/riscv,isa-extensions
  mmuType: "riscv,sv39" | "riscv,sv48";
  timebaseFrequency: number; // 10_000_000
  memory: { base: number; size: number };
  bootargs: string;
  initrd?: { start: number; end: number }; // linux,initrd-start / linux,initrd-end in /chosen
  stdoutPath: boolean; // when true, /chosen stdout-path points at the UART
  uart?: { base: number; size: number; irq: number; clockFrequency: number }; // ns16550a
  plic: { base: number; size: number; ndev: number };
  syscon?: { base: number; size: number }; // poweroff value 0x5555, reboot value 0x7777, offset 0
  rtc?: { base: number; size: number; irq: number }; // google,goldfish-rtc
  virtio: { base: number; size: number; irq: number }[];
}

const SYSCON_POWEROFF = 0x5555;
const SYSCON_REBOOT = 0x7777;
const IRQ_S_EXT = 9; // scause/sip bit of the supervisor external interrupt
const IRQ_M_EXT = 11; // the machine external interrupt: its PLIC contexts exist but reach no guest
const PLIC_MAX_SOURCES = 1023; // source 0 is reserved, so ids are 1..1023

/** Unit-address text: lowercase hex without leading zeros (spec 2.2.1). */
function unit(addr: number): string {
  return addr.toString(16);
}

/** A reg entry for #address-cells = 2, #size-cells = 2. */
function reg64(base: number, size: number): number[] {
  return [...u64Cells(base), ...u64Cells(size)];
}

function fail(msg: string): never {
  throw new Error(`platform device tree: ${msg}`);
}

function checkInt(what: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) fail(`${what} must be an integer in ${min}..${max} (got ${v})`);
}

interface Window {
  what: string;
  base: number;
  size: number;
}

function validate(p: PlatformDescription): void {
  checkInt("harts", p.harts, 1, MAX_HARTS);
  if (p.model === "") fail("model must not be empty");
  if (!/^rv64[a-z]/.test(p.isa)) fail(`riscv,isa "${p.isa}" must start with "rv64" and the base ISA letters`);
  if (p.isaExtensions.length === 0) fail("isaExtensions must not be empty");
  for (const ext of p.isaExtensions) {
    if (!/^[a-z][a-z0-9]*$/.test(ext)) fail(`ISA extension "${ext}" must be lowercase letters and digits`);
  }
  if (p.mmuType !== "riscv,sv39" && p.mmuType !== "riscv,sv48") fail(`unsupported mmu-type "${p.mmuType}"`);
  checkInt("timebaseFrequency", p.timebaseFrequency, 1, 0xffffffff);
  checkInt("plic.ndev", p.plic.ndev, 1, PLIC_MAX_SOURCES);

  const windows: Window[] = [{ what: "memory", ...p.memory }, { what: "plic", ...p.plic }];
  if (p.uart) windows.push({ what: "uart", ...p.uart });
  if (p.syscon) windows.push({ what: "syscon", ...p.syscon });
  if (p.rtc) windows.push({ what: "rtc", ...p.rtc });
  p.virtio.forEach((v, i) => windows.push({ what: `virtio[${i}]`, ...v }));
  for (const w of windows) {
    checkInt(`${w.what}.base`, w.base, 0, Number.MAX_SAFE_INTEGER);
    checkInt(`${w.what}.size`, w.size, 1, Number.MAX_SAFE_INTEGER - w.base);
  }
  for (let i = 0; i < windows.length; i++) {
    for (let j = i + 1; j < windows.length; j++) {
      const a = windows[i]!;
      const b = windows[j]!;
      if (a.base < b.base + b.size && b.base < a.base + a.size) {
        const hex = (w: Window) => `0x${unit(w.base)}..0x${unit(w.base + w.size)}`;
        fail(`${a.what} window ${hex(a)} overlaps ${b.what} window ${hex(b)}`);
      }
    }
  }

  const irqs = new Map<number, string>();
  const irqUsers: [string, number][] = p.virtio.map((v, i) => [`virtio[${i}]`, v.irq]);
  if (p.uart) irqUsers.unshift(["uart", p.uart.irq]);
  if (p.rtc) irqUsers.unshift(["rtc", p.rtc.irq]);
  for (const [what, irq] of irqUsers) {
    checkInt(`${what}.irq`, irq, 1, p.plic.ndev);
    const other = irqs.get(irq);
    if (other !== undefined) fail(`${what} and ${other} both use PLIC source ${irq}`);
    irqs.set(irq, what);
  }
  if (p.uart) checkInt("uart.clockFrequency", p.uart.clockFrequency, 1, 0xffffffff);

  if (p.stdoutPath && !p.uart) fail("stdoutPath requires a uart");
  if (p.initrd) {
    const { start, end } = p.initrd;
    checkInt("initrd.start", start, 0, Number.MAX_SAFE_INTEGER);
    checkInt("initrd.end", end, 0, Number.MAX_SAFE_INTEGER);
    if (end <= start) fail(`initrd end 0x${unit(end)} must be above its start 0x${unit(start)}`);
    if (start < p.memory.base || end > p.memory.base + p.memory.size) fail("initrd must lie inside memory");
  }
}

export function buildPlatformDtb(p: PlatformDescription): Uint8Array {
  validate(p);
  const fdt = new FdtBuilder();
  const plicLabel = "plic";
  const intcLabel = (n: number) => `cpu${n}_intc`;

  fdt.beginNode("");
  fdt.propU32("#address-cells", 2).propU32("#size-cells", 2);
  // "riscv-virtio" lets tools keyed on QEMU's virt machine recognise the same device layout.
  fdt.propStrings("compatible", [p.model, "riscv-virtio"]).propString("model", p.model);

  fdt.beginNode("chosen");
  fdt.propString("bootargs", p.bootargs);
  if (p.stdoutPath && p.uart) fdt.propString("stdout-path", `/soc/serial@${unit(p.uart.base)}`);
  if (p.initrd) {
    fdt.propU64("linux,initrd-start", p.initrd.start).propU64("linux,initrd-end", p.initrd.end);
  }
  fdt.endNode();

  fdt.beginNode(`memory@${unit(p.memory.base)}`);
  fdt.propString("device_type", "memory").propCells("reg", reg64(p.memory.base, p.memory.size));
  fdt.endNode();

  fdt.beginNode("cpus");
  fdt.propU32("#address-cells", 1).propU32("#size-cells", 0);
  fdt.propU32("timebase-frequency", p.timebaseFrequency);
  for (let n = 0; n < p.harts; n++) {
    fdt.beginNode(`cpu@${unit(n)}`);
    fdt.phandle(`cpu${n}`);
    fdt.propString("device_type", "cpu").propU32("reg", n).propString("status", "okay");
    fdt.propString("compatible", "riscv").propString("riscv,isa", p.isa);
    // riscv,isa-base/-extensions are the newer binding; Linux 6.1 reads riscv,isa and ignores them.
    fdt.propString("riscv,isa-base", "rv64i").propStrings("riscv,isa-extensions", p.isaExtensions);
    fdt.propString("mmu-type", p.mmuType);
    fdt.beginNode("interrupt-controller");
    fdt.phandle(intcLabel(n));
    // #address-cells = 0 keeps dtc's interrupt_provider check quiet (no interrupt-map users).
    fdt.propU32("#interrupt-cells", 1).propU32("#address-cells", 0).propEmpty("interrupt-controller");
    fdt.propString("compatible", "riscv,cpu-intc");
    fdt.endNode();
    fdt.endNode();
  }
  // One cluster holding every hart gives Linux a flat topology instead of guessing.
  fdt.beginNode("cpu-map").beginNode("cluster0");
  for (let n = 0; n < p.harts; n++) {
    fdt.beginNode(`core${n}`).propU32("cpu", fdt.ref(`cpu${n}`)).endNode();
  }
  fdt.endNode().endNode();
  fdt.endNode(); // cpus

  // Poweroff/reboot sit at the root (as in QEMU): under a simple-bus, reg-less nodes draw dtc warnings.
  if (p.syscon) {
    fdt.beginNode("poweroff");
    fdt.propString("compatible", "syscon-poweroff").propU32("regmap", fdt.ref("syscon"));
    fdt.propU32("offset", 0).propU32("value", SYSCON_POWEROFF);
    fdt.endNode();
    fdt.beginNode("reboot");
    fdt.propString("compatible", "syscon-reboot").propU32("regmap", fdt.ref("syscon"));
    fdt.propU32("offset", 0).propU32("value", SYSCON_REBOOT);
    fdt.endNode();
  }

  fdt.beginNode("soc");
  fdt.propU32("#address-cells", 2).propU32("#size-cells", 2);
  fdt.propString("compatible", "simple-bus").propEmpty("ranges");

  // Children are emitted in address order so the decompiled tree reads like a memory map.
  const children: { base: number; emit: () => void }[] = [];
  children.push({
    base: p.plic.base,
    emit: () => {
      fdt.beginNode(`interrupt-controller@${unit(p.plic.base)}`);
      fdt.phandle(plicLabel);
      fdt.propStrings("compatible", ["sifive,plic-1.0.0", "riscv,plic0"]);
      fdt.propU32("#interrupt-cells", 1).propU32("#address-cells", 0).propEmpty("interrupt-controller");
      fdt.propCells("reg", reg64(p.plic.base, p.plic.size)).propU32("riscv,ndev", p.plic.ndev);
      // QEMU virt's context layout: hart N has context 2N (M-mode, never delivered: guests run in
      // S-mode) and 2N + 1 (S-mode). Guests written for that machine hard-code it (RT-Thread).
      const ext: number[] = [];
      for (let n = 0; n < p.harts; n++) ext.push(fdt.ref(intcLabel(n)), IRQ_M_EXT, fdt.ref(intcLabel(n)), IRQ_S_EXT);
      fdt.propCells("interrupts-extended", ext);
      fdt.endNode();
    },
  });
  // A device on the PLIC: node name@base, compatible, reg, its own properties, its interrupt.
  const plicDevice = (name: string, compatible: string, w: { base: number; size: number; irq: number }, props = () => {}) => {
    children.push({
      base: w.base,
      emit: () => {
        fdt.beginNode(`${name}@${unit(w.base)}`);
        fdt.propString("compatible", compatible).propCells("reg", reg64(w.base, w.size));
        props();
        fdt.propU32("interrupts", w.irq).propU32("interrupt-parent", fdt.ref(plicLabel));
        fdt.endNode();
      },
    });
  };
  const uart = p.uart;
  if (uart) plicDevice("serial", "ns16550a", uart, () => fdt.propU32("clock-frequency", uart.clockFrequency));
  const syscon = p.syscon;
  if (syscon) {
    children.push({
      base: syscon.base,
      emit: () => {
        fdt.beginNode(`test@${unit(syscon.base)}`);
        fdt.phandle("syscon");
        fdt.propStrings("compatible", ["sifive,test1", "sifive,test0", "syscon"]);
        fdt.propCells("reg", reg64(syscon.base, syscon.size));
        fdt.endNode();
      },
    });
  }
  if (p.rtc) plicDevice("rtc", "google,goldfish-rtc", p.rtc);
  for (const v of p.virtio) plicDevice("virtio_mmio", "virtio,mmio", v);
  children.sort((a, b) => a.base - b.base).forEach((c) => c.emit());
  fdt.endNode(); // soc

  fdt.endNode(); // root
  return fdt.finish();
}
