// `tsvisor import hvisor <zone.json>`: an hvisor-tool zone config (riscv) as a tsvisor zone file.
// hvisor describes a slice of a real board (physical RAM, passthrough MMIO and IRQs, a DTB);
// tsvisor zones are virtual machines, so only CPUs, RAM size and the kernel carry over.
import { dirname, resolve } from "node:path";
import { finishImport, hex, ImportError, machineAddr, memorySize, PLIC_BASE, RAM_BASE, readSource, toNumber, zoneName, type ImportHost, type ImportResult, type ZoneDraft } from "./common.js";

const KNOWN = new Set(["arch", "name", "zone_id", "cpus", "memory_regions", "interrupts", "ivc_configs", "kernel_filepath",
  "dtb_filepath", "kernel_load_paddr", "dtb_load_paddr", "entry_point", "arch_config", "pci_config", "num_pci_devs", "alloc_pci_devs"]);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function importHvisor(file: string, host: ImportHost): ImportResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readSource(file, "hvisor zone config"));
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (!isObj(raw)) throw new ImportError(`${file}: an hvisor zone config is a JSON object`);
  const j = raw;
  const bad = (field: string, msg: string) => new ImportError(`${file}: ${field}: ${msg}`);
  const notes: string[] = [];

  if (j.arch !== "riscv" && j.arch !== "riscv64") {
    throw bad("arch", `${JSON.stringify(j.arch)} cannot be imported: tsvisor runs riscv64 zones ("arch": "riscv")`);
  }
  const name = zoneName(j.name, file, notes, "name");
  let id: number | undefined;
  if (j.zone_id !== undefined) {
    const zid = toNumber(j.zone_id);
    if (zid === undefined || zid < 0) throw bad("zone_id", `expected a number, got ${JSON.stringify(j.zone_id)}`);
    if (zid === 0) notes.push("zone_id: 0 is hvisor's root zone; in tsvisor zone0 is the daemon itself, so the id is left out");
    else if (zid > 4095) notes.push(`zone_id: ${zid} is above tsvisor's 4095: the id is left out`);
    else id = zid;
  }
  if (!Array.isArray(j.cpus) || j.cpus.length === 0 || !j.cpus.every((c) => Number.isInteger(c) && (c as number) >= 0)) {
    throw bad("cpus", "expected a list of CPU numbers such as [2, 3]");
  }
  const cpus = j.cpus as number[];
  if (cpus.length > 32) throw bad("cpus", `${cpus.length} CPUs: a tsvisor zone has at most 32 vCPUs`);

  let ram = 0;
  let ramEnd: number | undefined;
  const regions = Array.isArray(j.memory_regions) ? j.memory_regions : [];
  regions.forEach((r, i) => {
    const f = `memory_regions[${i}]`;
    if (!isObj(r)) throw bad(f, "expected an object with type, physical_start, virtual_start, size");
    const size = toNumber(r.size);
    const start = toNumber(r.virtual_start ?? r.physical_start);
    if (size === undefined || start === undefined) throw bad(f, "size and virtual_start must be numbers or hex strings");
    const span = `${hex(start)}+${hex(size)}`;
    if (r.type === "ram") {
      if (ram === 0 && start !== RAM_BASE) notes.push(`${f}: RAM at ${span}: tsvisor zone RAM always starts at ${machineAddr(RAM_BASE)} (Linux does not mind)`);
      if (ram !== 0) notes.push(`${f}: a further RAM region (${span}) is added to the zone's one contiguous RAM`);
      ramEnd ??= start + size;
      ram += size;
    } else if (r.type === "virtio") {
      notes.push(`${f}: virtio-mmio window ${span} for hvisor's virtio backend: add [[device]] sections instead (docs/config.md)`);
    } else {
      notes.push(`${f}: ${String(r.type)} region ${span} is passthrough of host hardware: no equivalent (zones have emulated UART, PLIC, syscon, virtio)`);
    }
  });
  if (ram === 0) throw bad("memory_regions", 'no region of type "ram": the zone needs memory');

  if (typeof j.kernel_filepath !== "string" || !j.kernel_filepath) throw bad("kernel_filepath", "missing: the kernel Image to boot");
  const kernel = resolve(dirname(resolve(file)), j.kernel_filepath);

  if (Array.isArray(j.interrupts) && j.interrupts.length) {
    notes.push(`interrupts: passthrough of host IRQs ${JSON.stringify(j.interrupts)}: no equivalent (device IRQs are virtual)`);
  }
  if (Array.isArray(j.ivc_configs) && j.ivc_configs.length) notes.push("ivc_configs: inter-zone communication regions: no equivalent");
  if (typeof j.dtb_filepath === "string") {
    notes.push(`dtb_filepath: tsvisor generates each zone's device tree: copy the bootargs of ${j.dtb_filepath} into boot.cmdline ` +
      "and name the initramfs it loads in boot.initrd");
  }
  for (const k of ["kernel_load_paddr", "dtb_load_paddr", "entry_point"]) {
    const v = toNumber(j[k]);
    if (v !== undefined) notes.push(`${k}: ${hex(v)}: not needed, the kernel goes where its Image header says and the DTB at the top of RAM`);
  }
  if (isObj(j.arch_config)) {
    const plic = toNumber(j.arch_config.plic_base);
    if (plic !== undefined && plic !== PLIC_BASE) notes.push(`arch_config.plic_base: ${hex(plic)}: the zone's PLIC is always at ${machineAddr(PLIC_BASE)}`);
    if (j.arch_config.aplic_base !== undefined) notes.push("arch_config.aplic_*: no AIA/APLIC: zones get an emulated PLIC");
  }
  if (j.pci_config !== undefined || j.alloc_pci_devs !== undefined || j.num_pci_devs !== undefined) {
    notes.push("pci_config, num_pci_devs, alloc_pci_devs: PCI passthrough has no equivalent");
  }
  for (const k of Object.keys(j)) if (!KNOWN.has(k)) notes.push(`${k}: not an hvisor field tsvisor knows: ignored`);

  const draft: ZoneDraft = {
    zone: { name, ...(id !== undefined ? { id } : {}), kind: "user", cpus: cpus.length, host_cpus: cpus, memory: memorySize(ram, notes, "memory_regions") },
    boot: { kernel, cmdline: "console=ttyS0" },
  };
  const hints = { kernelField: "kernel_filepath", name, loadAddr: toNumber(j.kernel_load_paddr), entry: toNumber(j.entry_point), ramEnd };
  return finishImport(draft, notes, hints, host, `hvisor zone config ${file}`);
}
