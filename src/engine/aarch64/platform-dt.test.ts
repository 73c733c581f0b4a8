// The aarch64 zone's device tree, decompiled by the real dtc: QEMU virt's memory map and the
// nodes an arm64 Linux needs (GICv3, timer PPIs, PSCI over HVC, PL011 as the console, virtio-mmio).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildDtb } from "./platform-dt.js";
import { deviceWindows, MACHINE, mpidrOf } from "./machine.js";
import { cells, dtc, parseDts, str } from "../dts-reader.js";

const tree = (o: Partial<Parameters<typeof buildDtb>[0]> = {}) =>
  parseDts(dtc(buildDtb({ cpus: 2, ramSize: 0x2000_0000, bootargs: "console=ttyAMA0", virtioSlots: 32, ...o })));

test("QEMU virt's memory map: RAM, GICv3, PL011, 32 virtio-mmio slots of 0x200 from SPI 16", () => {
  const t = tree({ initrd: { start: 0x4800_0000, end: 0x4810_0000 } });
  assert.deepEqual(cells(t.get("/memory@40000000")!.get("reg")), [0, 0x4000_0000, 0, 0x2000_0000]);
  const gic = t.get("/intc@8000000")!;
  assert.equal(gic.get("compatible"), str("arm,gic-v3"));
  assert.deepEqual(cells(gic.get("reg")), [0, 0x0800_0000, 0, 0x1_0000, 0, 0x080a_0000, 0, 2 * 0x2_0000]);
  assert.deepEqual(cells(gic.get("#interrupt-cells")), [3]);
  const uart = t.get("/pl011@9000000")!;
  assert.deepEqual(cells(uart.get("interrupts")), [0, 1, 4], "PL011 on SPI 1, level");
  assert.equal(uart.get("clock-names"), str("uartclk", "apb_pclk"));
  for (let i = 0; i < 32; i++) {
    const v = t.get(`/virtio_mmio@${(0x0a00_0000 + i * 0x200).toString(16)}`);
    assert.ok(v, `virtio slot ${i}`);
    assert.deepEqual(cells(v.get("interrupts")), [0, 16 + i, 1]);
    assert.deepEqual(cells(v.get("reg")), [0, 0x0a00_0000 + i * 0x200, 0, 0x200]);
  }
  const chosen = t.get("/chosen")!;
  assert.equal(chosen.get("stdout-path"), str("/pl011@9000000"));
  assert.equal(chosen.get("bootargs"), str("console=ttyAMA0"));
  assert.deepEqual(cells(chosen.get("linux,initrd-start")), [0, 0x4800_0000]);
  const root = t.get("/")!;
  assert.equal(root.get("compatible"), str("tsvisor,aarch64-virt", "linux,dummy-virt"));
  assert.deepEqual(cells(root.get("interrupt-parent")), cells(gic.get("phandle")));
});

test("timer PPIs 13, 14, 11 (virtual: INTID 27), 10; PSCI 1.0 over HVC; CPUs by MPIDR, PSCI-started when SMP", () => {
  const t = tree({ cpus: 18 });
  assert.deepEqual(cells(t.get("/timer")!.get("interrupts")), [1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4]);
  assert.equal(16 + MACHINE.timer.virtPpi, 27);
  const psci = t.get("/psci")!;
  assert.equal(psci.get("method"), str("hvc"));
  assert.equal(psci.get("compatible"), str("arm,psci-1.0", "arm,psci-0.2", "arm,psci"));
  assert.deepEqual([mpidrOf(0), mpidrOf(15), mpidrOf(16), mpidrOf(17)], [0, 15, 0x100, 0x101]);
  assert.deepEqual(cells(t.get("/cpus/cpu@101")!.get("reg")), [0x101]);
  assert.equal(t.get("/cpus/cpu@0")!.get("enable-method"), str("psci"));
  assert.ok(t.get("/cpus/cpu-map/socket0/cluster1/core1"), "vCPU 17 is core 1 of cluster 1");
  assert.equal(tree({ cpus: 1 }).get("/cpus/cpu@0")!.get("enable-method"), undefined, "one vCPU needs no enable-method");
  assert.throws(() => buildDtb({ cpus: 33, ramSize: 1 << 28, bootargs: "", virtioSlots: 0 }), /33 vCPUs; it has 1\.\.32/);
});

test("the device windows the machine lists do not overlap each other or RAM", () => {
  const w = [{ name: "ram", base: MACHINE.ramBase, size: 0xc000_0000 }, ...deviceWindows(32)];
  for (const a of w) for (const b of w) {
    if (a !== b) assert.ok(a.base + a.size <= b.base || b.base + b.size <= a.base, `${a.name} overlaps ${b.name}`);
  }
  assert.equal(deviceWindows(32).find((d) => d.name === "uart")!.irq, 33, "the PL011's INTID is SPI 1 + 32");
});
