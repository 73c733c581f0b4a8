import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPlatformDtb, type PlatformDescription } from "./platform-dt.js";
import { spawnSync } from "node:child_process";
import { cells, dtc, parseDts, str } from "../dts-reader.js";

function full(): PlatformDescription {
  return {
    model: "tsvisor,riscv64-virt",
    harts: 4,
    isa: "rv64imafdc_zicsr_zifencei_zba_zbb_sstc",
    isaExtensions: ["i", "m", "a", "f", "d", "c", "zicsr", "zifencei", "zba", "zbb", "sstc"],
    mmuType: "riscv,sv48",
    timebaseFrequency: 10_000_000,
    memory: { base: 0x80000000, size: 0x10000000 },
    bootargs: "console=ttyS0 earlycon root=/dev/vda rw",
    initrd: { start: 0x88000000, end: 0x88123456 },
    stdoutPath: true,
    uart: { base: 0x10000000, size: 0x100, irq: 10, clockFrequency: 1843200 },
    plic: { base: 0xc000000, size: 0x600000, ndev: 95 },
    syscon: { base: 0x100000, size: 0x1000 },
    rtc: { base: 0x101000, size: 0x1000, irq: 11 },
    virtio: [
      { base: 0x10002000, size: 0x1000, irq: 2 },
      { base: 0x10001000, size: 0x1000, irq: 1 },
    ],
  };
}

function minimal(): PlatformDescription {
  const p = full();
  return { ...p, harts: 1, initrd: undefined, stdoutPath: false, uart: undefined, syscon: undefined, rtc: undefined, virtio: [] };
}

test("full platform tree decompiles cleanly with the expected contents", () => {
  const p = full();
  const text = dtc(buildPlatformDtb(p));
  const t = parseDts(text);
  const root = t.get("/")!;
  assert.deepEqual(cells(root.get("#address-cells")), [2]);
  assert.deepEqual(cells(root.get("#size-cells")), [2]);
  assert.equal(root.get("model"), str(p.model));
  assert.equal(root.get("compatible"), str(p.model, "riscv-virtio"));

  const chosen = t.get("/chosen")!;
  assert.equal(chosen.get("bootargs"), str(p.bootargs));
  assert.equal(chosen.get("stdout-path"), str("/soc/serial@10000000"));
  assert.deepEqual(cells(chosen.get("linux,initrd-start")), [0, 0x88000000]);
  assert.deepEqual(cells(chosen.get("linux,initrd-end")), [0, 0x88123456]);

  const mem = t.get("/memory@80000000")!;
  assert.equal(mem.get("device_type"), str("memory"));
  assert.deepEqual(cells(mem.get("reg")), [0, 0x80000000, 0, 0x10000000]);

  const cpus = t.get("/cpus")!;
  assert.deepEqual(cells(cpus.get("timebase-frequency")), [10_000_000]);
  assert.deepEqual(cells(cpus.get("#address-cells")), [1]);
  assert.deepEqual(cells(cpus.get("#size-cells")), [0]);
  const cpuPaths = [...t.keys()].filter((k) => /^\/cpus\/cpu@[0-9a-f]+$/.test(k));
  assert.equal(cpuPaths.length, 4);
  const intcPhandles: number[] = [];
  for (let n = 0; n < 4; n++) {
    const cpu = t.get(`/cpus/cpu@${n}`)!;
    assert.equal(cpu.get("device_type"), str("cpu"));
    assert.deepEqual(cells(cpu.get("reg")), [n]);
    assert.equal(cpu.get("status"), str("okay"));
    assert.equal(cpu.get("compatible"), str("riscv"));
    assert.equal(cpu.get("riscv,isa"), str(p.isa));
    assert.equal(cpu.get("riscv,isa-base"), str("rv64i"));
    assert.equal(cpu.get("riscv,isa-extensions"), str(...p.isaExtensions));
    assert.equal(cpu.get("mmu-type"), str("riscv,sv48"));
    const intc = t.get(`/cpus/cpu@${n}/interrupt-controller`)!;
    assert.equal(intc.get("compatible"), str("riscv,cpu-intc"));
    assert.equal(intc.get("interrupt-controller"), true);
    assert.deepEqual(cells(intc.get("#interrupt-cells")), [1]);
    intcPhandles.push(cells(intc.get("phandle"))[0]!);
    const core = t.get(`/cpus/cpu-map/cluster0/core${n}`)!;
    assert.deepEqual(cells(core.get("cpu")), cells(cpu.get("phandle")));
  }

  const plic = t.get("/soc/interrupt-controller@c000000")!;
  assert.equal(plic.get("compatible"), str("sifive,plic-1.0.0", "riscv,plic0"));
  assert.equal(plic.get("interrupt-controller"), true);
  assert.deepEqual(cells(plic.get("#interrupt-cells")), [1]);
  assert.deepEqual(cells(plic.get("#address-cells")), [0]);
  assert.deepEqual(cells(plic.get("reg")), [0, 0xc000000, 0, 0x600000]);
  assert.deepEqual(cells(plic.get("riscv,ndev")), [95]);
  // QEMU virt's contexts: 2N is hart N's M-mode external interrupt (11), 2N + 1 its S-mode one (9).
  assert.deepEqual(cells(plic.get("interrupts-extended")), intcPhandles.flatMap((ph) => [ph, 11, ph, 9]));
  const plicPh = cells(plic.get("phandle"));

  const soc = t.get("/soc")!;
  assert.equal(soc.get("compatible"), str("simple-bus"));
  assert.equal(soc.get("ranges"), true);

  const uart = t.get("/soc/serial@10000000")!;
  assert.equal(uart.get("compatible"), str("ns16550a"));
  assert.deepEqual(cells(uart.get("reg")), [0, 0x10000000, 0, 0x100]);
  assert.deepEqual(cells(uart.get("clock-frequency")), [1843200]);
  assert.deepEqual(cells(uart.get("interrupts")), [10]);
  assert.deepEqual(cells(uart.get("interrupt-parent")), plicPh);

  const virtio = [...t.keys()].filter((k) => k.startsWith("/soc/virtio_mmio@"));
  assert.deepEqual(virtio, ["/soc/virtio_mmio@10001000", "/soc/virtio_mmio@10002000"]); // address order
  for (const [addr, irq] of [[0x10001000, 1], [0x10002000, 2]] as const) {
    const v = t.get(`/soc/virtio_mmio@${addr.toString(16)}`)!;
    assert.equal(v.get("compatible"), str("virtio,mmio"));
    assert.deepEqual(cells(v.get("reg")), [0, addr, 0, 0x1000]);
    assert.deepEqual(cells(v.get("interrupts")), [irq]);
    assert.deepEqual(cells(v.get("interrupt-parent")), plicPh);
  }

  const rtc = t.get("/soc/rtc@101000")!;
  assert.equal(rtc.get("compatible"), str("google,goldfish-rtc"));
  assert.deepEqual(cells(rtc.get("reg")), [0, 0x101000, 0, 0x1000]);
  assert.deepEqual(cells(rtc.get("interrupts")), [11]);
  assert.deepEqual(cells(rtc.get("interrupt-parent")), plicPh);

  const syscon = t.get("/soc/test@100000")!;
  assert.equal(syscon.get("compatible"), str("sifive,test1", "sifive,test0", "syscon"));
  assert.deepEqual(cells(syscon.get("reg")), [0, 0x100000, 0, 0x1000]);
  for (const [node, value] of [["poweroff", 0x5555], ["reboot", 0x7777]] as const) {
    const n = t.get(`/${node}`)!;
    assert.equal(n.get("compatible"), str(`syscon-${node}`));
    assert.deepEqual(cells(n.get("regmap")), cells(syscon.get("phandle")));
    assert.deepEqual(cells(n.get("offset")), [0]);
    assert.deepEqual(cells(n.get("value")), [value]);
  }
});

test("minimal platform: optional nodes and properties are absent", () => {
  const t = parseDts(dtc(buildPlatformDtb(minimal())));
  assert.deepEqual([...t.keys()].filter((k) => /^\/cpus\/cpu@[0-9a-f]+$/.test(k)), ["/cpus/cpu@0"]);
  const chosen = t.get("/chosen")!;
  assert.deepEqual([...chosen.keys()], ["bootargs"]);
  for (const gone of ["/poweroff", "/reboot", "/soc/test@100000", "/soc/rtc@101000", "/soc/serial@10000000"]) {
    assert.equal(t.has(gone), false, gone);
  }
  assert.equal([...t.keys()].some((k) => k.includes("virtio")), false);
  const plic = t.get("/soc/interrupt-controller@c000000")!;
  const intc = cells(t.get("/cpus/cpu@0/interrupt-controller")!.get("phandle"));
  assert.deepEqual(cells(plic.get("interrupts-extended")), [...intc, 11, ...intc, 9]);
});

test("32 harts and memory above 4 GiB", () => {
  const p = { ...full(), harts: 32, memory: { base: 0x80000000, size: 0x1_4000_0000 } };
  p.initrd = { start: 0x1_8000_0000, end: 0x1_8010_0000 };
  const t = parseDts(dtc(buildPlatformDtb(p)));
  assert.ok(t.has("/cpus/cpu@1f"), "unit addresses are hex");
  assert.equal([...t.keys()].filter((k) => /^\/cpus\/cpu@[0-9a-f]+$/.test(k)).length, 32);
  assert.deepEqual(cells(t.get("/memory@80000000")!.get("reg")), [0, 0x80000000, 1, 0x40000000]);
  assert.deepEqual(cells(t.get("/chosen")!.get("linux,initrd-start")), [1, 0x80000000]);
  const ext = cells(t.get("/soc/interrupt-controller@c000000")!.get("interrupts-extended"));
  assert.equal(ext.length, 128);
});

test("dtc re-encodes the blob byte for byte (same layout as the reference tool)", () => {
  const dtb = buildPlatformDtb(full());
  dtc(dtb); // fails with the install hint when dtc is missing
  const r = spawnSync("dtc", ["-I", "dtb", "-O", "dtb", "-"], { input: dtb });
  assert.equal(r.status, 0, String(r.stderr));
  assert.deepEqual(new Uint8Array(r.stdout), dtb);
});

test("header: boot hart 0, no memory reservations", () => {
  const b = buildPlatformDtb(full());
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  assert.equal(v.getUint32(0), 0xd00dfeed);
  assert.equal(v.getUint32(4), b.length);
  assert.equal(v.getUint32(28), 0);
  const rsv = v.getUint32(16);
  assert.deepEqual([0, 4, 8, 12].map((o) => v.getUint32(rsv + o)), [0, 0, 0, 0]);
});

test("invalid descriptions are rejected", () => {
  const bad = (patch: Partial<PlatformDescription>, re: RegExp) =>
    assert.throws(() => buildPlatformDtb({ ...full(), ...patch }), re);
  bad({ harts: 0 }, /harts must be an integer in 1\.\.32/);
  bad({ harts: 33 }, /harts/);
  bad({ harts: 1.5 }, /harts/);
  bad({ memory: { base: 0x80000000, size: 0 } }, /memory\.size/);
  bad({ uart: { base: 0xc001000, size: 0x100, irq: 10, clockFrequency: 1 } }, /plic window .* overlaps uart window/);
  bad({ virtio: [{ base: 0x10000080, size: 0x1000, irq: 1 }] }, /overlaps virtio\[0\]/);
  bad({ virtio: [{ base: 0x10001000, size: 0x1000, irq: 10 }] }, /virtio\[0\] and uart both use PLIC source 10/);
  bad({ virtio: [{ base: 0x10001000, size: 0x1000, irq: 96 }] }, /virtio\[0\]\.irq/);
  bad({ virtio: [{ base: 0x10001000, size: 0x1000, irq: 0 }] }, /virtio\[0\]\.irq/);
  bad({ plic: { base: 0xc000000, size: 0x600000, ndev: 1024 } }, /plic\.ndev/);
  bad({ uart: undefined }, /stdoutPath requires a uart/);
  bad({ initrd: { start: 0x88000000, end: 0x88000000 } }, /initrd end/);
  bad({ initrd: { start: 0x70000000, end: 0x71000000 } }, /inside memory/);
  bad({ isa: "rv32imac" }, /rv64/);
  bad({ isaExtensions: [] }, /isaExtensions/);
  bad({ isaExtensions: ["Zba"] }, /"Zba"/);
  bad({ timebaseFrequency: 0 }, /timebaseFrequency/);
  bad({ model: "" }, /model/);
});
