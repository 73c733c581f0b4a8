// `tsvisor import axvisor <vm.toml>`: an AxVisor VM config (riscv64) as a tsvisor zone file.
// AxVisor VMs carry load addresses, passthrough devices and a DTB; tsvisor keeps CPUs, RAM size,
// kernel, ramdisk and a disk image.
import { basename, dirname, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { finishImport, hex, ImportError, machineAddr, memorySize, RAM_BASE, readSource, toNumber, zoneName, type ImportHost, type ImportResult, type ZoneDraft } from "./common.js";

const KNOWN: Record<string, Set<string>> = {
  base: new Set(["id", "name", "vm_type", "cpu_num", "phys_cpu_ids", "phys_cpu_sets"]),
  kernel: new Set(["entry_point", "image_location", "kernel_path", "kernel_load_addr", "dtb_path", "dtb_load_addr",
    "bios_path", "bios_load_addr", "ramdisk_path", "ramdisk_load_addr", "disk_path", "memory_regions", "cmdline"]),
  devices: new Set(["passthrough_devices", "passthrough_addresses", "excluded_devices", "emu_devices", "interrupt_mode"]),
};

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;

/** AxVisor's phys_cpu_sets: one bit mask per vCPU; usable here only when each has one bit. */
function fromCpuSets(sets: unknown): number[] | undefined {
  if (!Array.isArray(sets)) return undefined;
  const out: number[] = [];
  for (const s of sets) {
    const n = toNumber(s);
    if (n === undefined || n <= 0 || (n & (n - 1)) !== 0) return undefined;
    out.push(Math.log2(n));
  }
  return out;
}

export function importAxvisor(file: string, host: ImportHost): ImportResult {
  let raw: Table;
  try {
    raw = parseToml(readSource(file, "AxVisor VM config")) as Table;
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`${file}: not valid TOML: ${(e as Error).message.split("\n")[0]}`);
  }
  const bad = (field: string, msg: string) => new ImportError(`${file}: ${field}: ${msg}`);
  const notes: string[] = [];
  const base = raw.base, kernel = raw.kernel, devices = isTable(raw.devices) ? raw.devices : {};
  if (!isTable(base)) throw bad("base", "missing: an AxVisor VM config has a [base] table");
  if (!isTable(kernel)) throw bad("kernel", "missing: an AxVisor VM config has a [kernel] table");

  // AxVisor configs do not name their architecture; refuse the obvious non-riscv ones.
  const emu = Array.isArray(devices.emu_devices) ? devices.emu_devices : [];
  const emuNames = emu.map((d) => (Array.isArray(d) ? String(d[0]) : ""));
  if (emuNames.some((n) => /gic|ioapic|lapic/i.test(n)) || /aarch64|arm64|x86/i.test(`${String(base.name ?? "")} ${basename(file)}`)) {
    throw bad("base", "this looks like an aarch64 or x86_64 VM: tsvisor imports riscv64 VM configs only");
  }
  notes.push("arch: AxVisor configs do not name the architecture: assumed riscv64");

  const name = zoneName(base.name, file, notes, "base.name");
  const vid = toNumber(base.id);
  const id = vid !== undefined && vid >= 1 && vid <= 4095 ? vid : undefined;
  if (base.id !== undefined && id === undefined) notes.push(`base.id: ${String(base.id)} is not a tsvisor zone id (1..4095): left out`);
  const count = toNumber(base.cpu_num) ?? 1;
  if (count < 1 || count > 32) throw bad("base.cpu_num", `${count} vCPUs: a tsvisor zone has 1..32`);
  let hostCpus: number[] | undefined;
  const ids = Array.isArray(base.phys_cpu_ids) ? base.phys_cpu_ids.map(toNumber) : undefined;
  if (ids && ids.length === count && ids.every((c) => c !== undefined && c >= 0)) hostCpus = ids as number[];
  else hostCpus = fromCpuSets(base.phys_cpu_sets);
  if (hostCpus && hostCpus.length !== count) hostCpus = undefined;
  if (!hostCpus && (base.phys_cpu_ids !== undefined || base.phys_cpu_sets !== undefined)) {
    notes.push("base.phys_cpu_ids / phys_cpu_sets: not one host CPU per vCPU: left out, the daemon picks free CPUs");
  }
  if (base.vm_type !== undefined) notes.push(`base.vm_type: ${String(base.vm_type)}: tsvisor zones have one type (kind = "user" or "realtime")`);

  const dir = dirname(resolve(file));
  if (typeof kernel.kernel_path !== "string" || !kernel.kernel_path) throw bad("kernel.kernel_path", "missing: the kernel image to boot");
  if (kernel.image_location === "memory") {
    notes.push("kernel.image_location: \"memory\" (built into AxVisor): tsvisor reads kernel_path from the host file system");
  }
  let ram = 0;
  let ramEnd: number | undefined;
  const regions = Array.isArray(kernel.memory_regions) ? kernel.memory_regions : [];
  regions.forEach((r, i) => {
    const f = `kernel.memory_regions[${i}]`;
    if (!Array.isArray(r) || r.length < 2) throw bad(f, "expected [base, size, flags, map_type]");
    const start = toNumber(r[0]), size = toNumber(r[1]);
    if (start === undefined || size === undefined) throw bad(f, "base and size must be numbers");
    if (ram === 0 && start !== RAM_BASE) notes.push(`${f}: RAM at ${hex(start)}: tsvisor zone RAM always starts at ${machineAddr(RAM_BASE)}`);
    if (ram !== 0) notes.push(`${f}: a further region (${hex(start)}+${hex(size)}) is added to the zone's one contiguous RAM`);
    if (toNumber(r[3]) !== undefined && toNumber(r[3]) !== 0) notes.push(`${f}: map_type ${String(r[3])} (identity/host mapping): no equivalent, zone RAM is always private`);
    ramEnd ??= start + size;
    ram += size;
  });
  if (ram === 0) throw bad("kernel.memory_regions", "no memory region: the zone needs RAM");

  const draft: ZoneDraft = {
    zone: { name, ...(id !== undefined ? { id } : {}), kind: "user", cpus: count, ...(hostCpus ? { host_cpus: hostCpus } : {}),
      memory: memorySize(ram, notes, "kernel.memory_regions") },
    boot: { kernel: resolve(dir, kernel.kernel_path), cmdline: typeof kernel.cmdline === "string" ? kernel.cmdline : "console=ttyS0" },
  };
  if (typeof kernel.ramdisk_path === "string" && kernel.ramdisk_path) draft.boot.initrd = resolve(dir, kernel.ramdisk_path);
  if (typeof kernel.disk_path === "string" && kernel.disk_path) draft.device = [{ type: "blk", path: resolve(dir, kernel.disk_path) }];
  for (const k of ["entry_point", "kernel_load_addr", "dtb_load_addr", "ramdisk_load_addr", "bios_load_addr"]) {
    const v = toNumber(kernel[k]);
    if (v !== undefined) notes.push(`kernel.${k}: ${hex(v)}: not needed, tsvisor places kernel, initrd and DTB itself`);
  }
  if (typeof kernel.dtb_path === "string") notes.push(`kernel.dtb_path: tsvisor generates the device tree: copy any bootargs of ${kernel.dtb_path} into boot.cmdline`);
  if (typeof kernel.bios_path === "string") notes.push("kernel.bios_path: no firmware image: tsvisor itself is the SBI firmware");
  if (nonEmpty(devices.passthrough_devices) || nonEmpty(devices.passthrough_addresses)) {
    notes.push("devices.passthrough_devices / passthrough_addresses: passthrough of host hardware has no equivalent");
  }
  emuNames.forEach((n, i) => {
    if (n !== "plic") notes.push(`devices.emu_devices[${i}]: "${n}" has no equivalent (zones have UART, PLIC, syscon and virtio devices)`);
  });
  if (devices.interrupt_mode !== undefined && devices.interrupt_mode !== "emulated") {
    notes.push(`devices.interrupt_mode: "${String(devices.interrupt_mode)}": zone interrupts are always emulated (PLIC)`);
  }
  for (const [t, keys] of Object.entries(KNOWN)) {
    const tbl = raw[t];
    if (isTable(tbl)) for (const k of Object.keys(tbl)) if (!keys.has(k)) notes.push(`${t}.${k}: not an AxVisor field tsvisor knows: ignored`);
  }
  for (const t of Object.keys(raw)) if (!(t in KNOWN)) notes.push(`[${t}]: not an AxVisor table tsvisor knows: ignored`);
  const hints = { kernelField: "kernel.kernel_path", name, loadAddr: toNumber(kernel.kernel_load_addr), entry: toNumber(kernel.entry_point), ramEnd };
  return finishImport(draft, notes, hints, host, `AxVisor VM config ${file}`);
}
