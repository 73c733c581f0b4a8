// `tsvisor import` makes zone files usable as they come: --kernel/--initrd replace the board's
// paths, board CPU lists, counts, ids and memory that do not fit this host are changed with a note,
// and a guest that is not Linux gets a warning and the [boot] settings tsvisor's loaders need.
// Fixtures are written in the shape of hvisor-tool's examples/qemu-riscv64/*.json and AxVisor's
// configs/vms/*-riscv64-qemu-smp1.toml.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importHvisor } from "../src/config/import/hvisor.js";
import { importAxvisor } from "../src/config/import/axvisor.js";
import type { ImportHost } from "../src/config/import/common.js";
import { parseZoneConfig } from "../src/config/zone-config.js";
import { kernelFormat } from "../src/zone/preflight.js";
import { CLI } from "./helpers/daemon.js";
import { demoGuest } from "./helpers/demo-guest.js";
import { buildAsm } from "./helpers/guest.js";

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-import-fit-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
};
const M = 1024 * 1024;
/** This 2-CPU host with the default 1G pool: 992M for one zone. */
const SMALL: ImportHost = { zoneCpus: [0, 1], maxMemBytes: 1024 * M - 32 * M, takenIds: new Set(), kernelFormat: (p) => kernelFormat(p, "riscv64") };

// In the shape of hvisor-tool's examples/qemu-riscv64/linux2.json: a QEMU board's 4th CPU, its RAM
// slice, passthrough UART/virtio regions and IRQs, and a kernel path on the board.
const hvisorLinux = {
  arch: "riscv", name: "linux2", zone_id: 1, cpus: [3],
  memory_regions: [
    { type: "ram", physical_start: "0x83000000", virtual_start: "0x83000000", size: "0x0C000000" },
    { type: "io", physical_start: "0x10007000", virtual_start: "0x10007000", size: "0x1000" },
  ],
  interrupts: [1, 2, 8, 10, 33], ivc_configs: [],
  kernel_filepath: "./Image-6.10", dtb_filepath: "./linux2.dtb",
  kernel_load_paddr: "0x84000000", dtb_load_paddr: "0x83000000", entry_point: "0x84000000",
  arch_config: { plic_base: "0xc000000", plic_size: "0x4000000", aplic_base: "0xd000000", aplic_size: "0x8000" },
};

// In the shape of AxVisor's configs/vms/linux-riscv64-qemu-smp1.toml: 1G of identity-mapped RAM.
const axvisorLinux = `
[base]
id = 1
name = "linux-qemu"
vm_type = 1
cpu_num = 1
phys_cpu_ids = [0]
[kernel]
entry_point = 0x9000_0000
image_location = "fs"
kernel_path = "/guest/images/qemu_riscv64_linux/qemu-riscv64"
kernel_load_addr = 0x9000_0000
dtb_path = "/guest/images/linux-riscv64-qemu-smp1.dtb"
dtb_load_addr = 0x9200_0000
memory_regions = [[0x9000_0000, 0x4000_0000, 0x7, 2]]
[devices]
passthrough_devices = []
passthrough_addresses = [[0x1000_0000, 0x1000], [0x1000_1000, 0x8000]]
excluded_devices = []
emu_devices = [["plic", 0x0c00_0000, 0x60_0000, 0, 0x30, [2]]]
interrupt_mode = "passthrough"
`;

// In the shape of AxVisor's arceos/nimbos riscv64 configs: a raw binary linked at 0x8020_0000.
const axvisorArceos = (name: string, kernel: string) => axvisorLinux
  .replace('name = "linux-qemu"', `name = "${name}"`)
  .replace(/kernel_path = ".*"/, `kernel_path = "${kernel}"`)
  .replace(/entry_point = .*/, "entry_point = 0x8020_0000").replace(/kernel_load_addr = .*/, "kernel_load_addr = 0x8020_0000")
  .replace(/memory_regions = .*/, "memory_regions = [[0x8000_0000, 0x800_0000, 0x7, 0]]")
  .replace(/dtb_path = .*\n/, "");

test("hvisor: the board's CPU list goes, --kernel/--initrd replace its paths, each change has a note", () => {
  const r = importHvisor(write("linux2.json", JSON.stringify(hvisorLinux)), { ...SMALL, kernel: "/k/Image", initrd: "rel/initrd.gz" });
  const z = parseZoneConfig(r.toml, join(tmp, "out.toml"));
  assert.equal(z.hostCpus, undefined);
  assert.equal(z.cpus, 1);
  assert.equal(z.kernel, "/k/Image");
  assert.equal(z.initrd, join(process.cwd(), "rel/initrd.gz"));
  assert.equal(z.id, 1);
  const notes = r.notes.join("\n");
  assert.match(notes, /^zone\.host_cpus: the board's CPUs \[3\] are not all CPUs zones may use here \(0,1\): left out, the daemon picks free CPUs/m);
  assert.match(notes, new RegExp(`^kernel_filepath: ${join(tmp, "Image-6.10")} is a path on the board: booting /k/Image \\(--kernel\\) instead$`, "m"));
  assert.deepEqual(r.warnings, [`boot.kernel: /k/Image cannot be read here: give the kernel with --kernel, then run tsvisor check`]);
});

test("board vCPU counts, taken ids and memory beyond this host are lowered or dropped", () => {
  const big = { ...hvisorLinux, cpus: [0, 1, 2, 3], zone_id: 5, memory_regions: [{ type: "ram", physical_start: "0x80000000", virtual_start: "0x80000000", size: "0x80000000" }] };
  const r = importHvisor(write("big.json", JSON.stringify(big)), { ...SMALL, takenIds: new Set([5]) });
  const z = parseZoneConfig(r.toml, join(tmp, "out.toml"));
  assert.equal(z.cpus, 2);
  assert.deepEqual(z.hostCpus, [0, 1]);
  assert.equal(z.id, undefined);
  assert.equal(z.memBytes, 992 * M);
  const notes = r.notes.join("\n");
  assert.match(notes, /^zone\.cpus: 4 vCPUs but this host has 2 CPU\(s\) for zones \(0,1\): lowered to 2$/m);
  assert.match(notes, /^zone\.id: 5 is taken by a zone of the running daemon: left out/m);
  assert.match(notes, /^zone\.memory: 2G is more than one zone can have here .*: lowered to 992M/m);
});

test("a guest that is not Linux: a warning, and raw binaries get format, load_addr and entry", () => {
  const raw = write("arceos.bin", "\x13\x00\x00\x00".repeat(256));
  const r = importAxvisor(write("arceos-riscv64-qemu-smp1.toml", axvisorArceos("arceos-qemu", raw)), SMALL);
  const z = parseZoneConfig(r.toml, join(tmp, "out.toml"));
  assert.equal(z.format, "raw");
  assert.equal(z.loadAddr, 0x8020_0000);
  assert.equal(z.entry, 0x8020_0000);
  assert.match(r.toml, /^load_addr = 0x8020_0000$/m);
  assert.match(r.warnings[0], /^guest: ArceOS is not Linux \(the kernel file is a raw binary\): tsvisor's raw loader takes it: set format = "raw", load_addr = 0x8020_0000, entry = 0x8020_0000/);
  assert.match(r.toml, /^# Warnings:\n#   guest: ArceOS is not Linux/m);
  assert.doesNotMatch(r.notes.join("\n"), /entry_point|kernel_load_addr/, "the addresses are used, not 'not needed'");
  // Named NimbOS, the image not on this host: told from the name.
  const n = importAxvisor(write("nimbos.toml", axvisorArceos("nimbos", "/guest/nimbos.bin")), SMALL);
  assert.match(n.warnings[0], /^guest: NimbOS is not Linux \(NimbOS by its name; \/guest\/nimbos\.bin cannot be read here\): tsvisor's raw loader takes it/);
  // An ELF kernel: the ELF loader takes it as it is.
  const elf = `${buildAsm(["zone-idle.S"])}.elf`;
  const e = importHvisor(write("elf.json", JSON.stringify({ ...hvisorLinux, name: "rtthread" })), { ...SMALL, kernel: elf });
  assert.match(e.warnings[0], /^guest: RT-Thread is not Linux \(the kernel file is an ELF executable\): tsvisor's ELF loader takes it/);
  assert.equal(e.draft.boot.format, undefined);
  // A Linux Image: no warning.
  const l = importAxvisor(write("linux.toml", axvisorLinux), { ...SMALL, kernel: buildAsm(["zone-idle.S"]) });
  assert.deepEqual(l.warnings, []);
});

test("imports of real-shaped configs with --kernel of the demo kernel pass tsvisor check on this host as they come", () => {
  const g = demoGuest();
  for (const [kind, src] of [["hvisor", write("real-linux2.json", JSON.stringify(hvisorLinux))],
    ["axvisor", write("real-linux-riscv64-qemu-smp1.toml", axvisorLinux)]] as const) {
    const out = join(tmp, `${kind}-imported.toml`);
    const imp = spawnSync("node", [CLI, "import", kind, src, "--kernel", g.kernel, "--initrd", g.initrd, "-o", out], { encoding: "utf8" });
    assert.equal(imp.status, 0, imp.stderr);
    assert.doesNotMatch(imp.stderr, /warning/, "the demo kernel is a Linux Image");
    const chk = spawnSync("node", [CLI, "check", out], { encoding: "utf8" });
    assert.equal(chk.status, 0, `${readFileSync(out, "utf8")}\n${chk.stderr}`);
    assert.match(chk.stdout, /1 zone\(s\) fit together/);
  }
});
