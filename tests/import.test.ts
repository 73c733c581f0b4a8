// `tsvisor import`: hvisor and AxVisor riscv64 configs become valid tsvisor zone files, with a
// note for every setting that has no equivalent; other architectures are refused.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importHvisor } from "../src/config/import/hvisor.js";
import { importAxvisor } from "../src/config/import/axvisor.js";
import { parseZoneConfig } from "../src/config/zone-config.js";
import { CLI } from "./helpers/daemon.js";
import type { ImportHost } from "../src/config/import/common.js";
import { kernelFormat } from "../src/zone/preflight.js";

/** A host as large as the boards: nothing needs to change to fit it. */
const BOARD: ImportHost = { zoneCpus: [0, 1, 2, 3, 4, 5, 6, 7], maxMemBytes: 2 ** 32 - 2 ** 26, takenIds: new Set(), kernelFormat: (p) => kernelFormat(p, "riscv64") };

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-import-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
};

const hvisorZone = {
  arch: "riscv", name: "guest one", zone_id: 3, cpus: [1, 2],
  memory_regions: [
    { type: "ram", physical_start: "0x88000000", virtual_start: "0x88000000", size: "0x08000000" },
    { type: "io", physical_start: "0x10002000", virtual_start: "0x10002000", size: "0x1000" },
    { type: "virtio", physical_start: "0x10004000", virtual_start: "0x10004000", size: "0x1000" },
  ],
  interrupts: [3, 9], ivc_configs: [],
  kernel_filepath: "images/Image", dtb_filepath: "./guest.dtb",
  kernel_load_paddr: "0x88200000", dtb_load_paddr: "0x88000000", entry_point: "0x88200000",
  arch_config: { plic_base: "0xc000000", plic_size: "0x4000000", aplic_base: "0xd000000", aplic_size: "0x8000" },
  num_pci_devs: 0, alloc_pci_devs: [], gizmo: true,
};

test("an hvisor riscv zone config becomes a valid zone file, with notes for what does not carry over", () => {
  const f = write("zone1.json", JSON.stringify(hvisorZone));
  const r = importHvisor(f, BOARD);
  const z = parseZoneConfig(r.toml, join(tmp, "out.toml"));
  assert.equal(z.name, "guest-one");
  assert.equal(z.id, 3);
  assert.equal(z.cpus, 2);
  assert.deepEqual(z.hostCpus, [1, 2]);
  assert.equal(z.memBytes, 128 * 1024 * 1024);
  assert.equal(z.kernel, join(tmp, "images/Image"));
  assert.equal(z.kind, "user");
  const notes = r.notes.join("\n");
  for (const re of [/^name: "guest one" is not a valid tsvisor zone name: using "guest-one"$/m,
    /^memory_regions\[0\]: RAM at 0x88000000\+0x8000000: tsvisor zone RAM always starts at 0x8000_0000/m,
    /^memory_regions\[1\]: io region 0x10002000\+0x1000 is passthrough of host hardware: no equivalent/m,
    /^memory_regions\[2\]: virtio-mmio window 0x10004000\+0x1000 .*add \[\[device\]\] sections instead/m,
    /^interrupts: passthrough of host IRQs \[3,9\]: no equivalent/m,
    /^dtb_filepath: tsvisor generates each zone's device tree/m,
    /^entry_point: 0x88200000: not needed/m,
    /^arch_config\.aplic_\*: no AIA\/APLIC/m,
    /^pci_config, num_pci_devs, alloc_pci_devs: PCI passthrough has no equivalent/m,
    /^gizmo: not an hvisor field tsvisor knows: ignored$/m]) {
    assert.match(notes, re);
  }
  assert.match(r.toml, /^# Imported from hvisor zone config .*zone1\.json/);
  assert.match(r.toml, /^#   interrupts: passthrough/m);
});

test("hvisor: other architectures and configs without RAM are refused with the field", () => {
  assert.throws(() => importHvisor(write("arm.json", JSON.stringify({ ...hvisorZone, arch: "arm64" })), BOARD),
    /arm\.json: arch: "arm64" cannot be imported: tsvisor runs riscv64 zones/);
  assert.throws(() => importHvisor(write("noram.json", JSON.stringify({ ...hvisorZone, memory_regions: [] })), BOARD),
    /noram\.json: memory_regions: no region of type "ram"/);
  assert.throws(() => importHvisor(write("junk.json", "{ nope"), BOARD), /junk\.json: not valid JSON/);
  assert.throws(() => importHvisor(join(tmp, "missing.json"), BOARD), /missing\.json: cannot read the hvisor zone config: file not found/);
});

const axvisorVm = `
[base]
id = 2
name = "linux-rv"
vm_type = 1
cpu_num = 2
phys_cpu_sets = [0x4, 0x8]

[kernel]
entry_point = 0x9020_0000
image_location = "fs"
kernel_path = "/guests/Image"
kernel_load_addr = 0x9020_0000
dtb_path = "/guests/linux.dtb"
dtb_load_addr = 0x9200_0000
ramdisk_path = "rootfs.cpio.gz"
disk_path = "disk.img"
memory_regions = [
  [0x9000_0000, 0x1000_0000, 0x7, 1],
]

[devices]
passthrough_devices = [["/soc/serial@10000000", 0x1000_0000, 0x1000_0000, 0x1000, 10]]
passthrough_addresses = []
excluded_devices = []
emu_devices = [["plic", 0x0c00_0000, 0x60_0000, 0, 0x30, [2]], ["vuart", 0x1000_0000, 0x1000, 0, 0x1, []]]
interrupt_mode = "passthrough"
`;

test("an AxVisor riscv64 VM config becomes a valid zone file with initrd and disk", () => {
  const f = write("vm.toml", axvisorVm);
  const r = importAxvisor(f, BOARD);
  const z = parseZoneConfig(r.toml, join(tmp, "out.toml"));
  assert.equal(z.name, "linux-rv");
  assert.equal(z.id, 2);
  assert.deepEqual(z.hostCpus, [2, 3]);
  assert.equal(z.memBytes, 256 * 1024 * 1024);
  assert.equal(z.kernel, "/guests/Image");
  assert.equal(z.initrd, join(tmp, "rootfs.cpio.gz"));
  assert.deepEqual(z.devices?.map((d) => [d.type, d.type === "blk" ? d.path : ""]), [["blk", join(tmp, "disk.img")]]);
  const notes = r.notes.join("\n");
  for (const re of [/^arch: AxVisor configs do not name the architecture: assumed riscv64$/m,
    /^kernel\.memory_regions\[0\]: map_type 1 \(identity\/host mapping\): no equivalent/m,
    /^kernel\.dtb_path: tsvisor generates the device tree/m,
    /^devices\.passthrough_devices \/ passthrough_addresses: passthrough of host hardware has no equivalent$/m,
    /^devices\.emu_devices\[1\]: "vuart" has no equivalent/m,
    /^devices\.interrupt_mode: "passthrough": zone interrupts are always emulated/m,
    /^base\.vm_type: 1/m]) {
    assert.match(notes, re);
  }
  assert.doesNotMatch(notes, /emu_devices\[0\]/); // the PLIC is built in
});

test("AxVisor: aarch64 VMs and configs without [kernel] are refused", () => {
  assert.throws(() => importAxvisor(write("arm-vm.toml", axvisorVm.replace('"plic"', '"gppt-gicd"')), BOARD),
    /arm-vm\.toml: base: this looks like an aarch64 or x86_64 VM/);
  assert.throws(() => importAxvisor(write("nokernel.toml", "[base]\nname = \"x\"\n"), BOARD), /nokernel\.toml: kernel: missing/);
  assert.throws(() => importAxvisor(write("bad.toml", "[base\n"), BOARD), /bad\.toml: not valid TOML/);
});

test("tsvisor import: the zone file on stdout or -o, notes on stderr, exit 2 when refused", () => {
  const f = write("cli.json", JSON.stringify(hvisorZone));
  const r = spawnSync("node", [CLI, "import", "hvisor", f], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\[zone\]$/m);
  assert.match(r.stderr, /tsvisor import: .*cli\.json: interrupts: passthrough/);
  const out = join(tmp, "imported.toml");
  const o = spawnSync("node", [CLI, "import", "axvisor", write("cli-vm.toml", axvisorVm), "-o", out], { encoding: "utf8" });
  assert.equal(o.status, 0, o.stderr);
  assert.equal(parseZoneConfig(readFileSync(out, "utf8"), out).name, "linux-rv");
  const bad = spawnSync("node", [CLI, "import", "hvisor", join(tmp, "nope.json")], { encoding: "utf8" });
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /nope\.json: cannot read the hvisor zone config: file not found/);
});
