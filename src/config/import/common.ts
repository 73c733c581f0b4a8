// Shared parts of `tsvisor import`: the draft zone it builds, the notes about what did not carry
// over, and writing the draft as a tsvisor zone file.
import { basename, resolve } from "node:path";
import { stringify } from "smol-toml";
import { ConfigError, readConfigText, type FormatChoice } from "../zone-config.js";
import { formatSize, parseSize } from "../size.js";
import { engineFor } from "../../engine/registry.js";

// The configs imported are riscv64 ones: their zones run on the riscv64 engine's machine.
const machine = engineFor("riscv64");
export const RAM_BASE = machine.ramBase;
const deviceBase = (name: string) => machine.devices(0).find((d) => d.name === name)!.base;
/** Where the zone's PLIC is (its window in the machine description). */
export const PLIC_BASE = deviceBase("plic");
const ALIGN = 0x10000; // zone memory is a multiple of 64 KiB

export interface ZoneDraft {
  zone: { name: string; id?: number; kind: "user"; cpus: number; host_cpus?: number[]; memory: string };
  boot: { kernel: string; initrd?: string; cmdline: string; format?: Exclude<FormatChoice, "auto">; load_addr?: number; entry?: number };
  device?: { type: "blk"; path: string }[];
}

export interface ImportResult {
  draft: ZoneDraft;
  /** "field: what has no equivalent and what to do", one per foreign setting that did not carry over. */
  notes: string[];
  /** What the zone will likely need before it boots (a guest that is not Linux). */
  warnings: string[];
  toml: string;
}

/** This host, as far as an imported zone must fit it (`tsvisor import` fills it in). */
export interface ImportHost {
  /** Host CPUs a zone may use here: usable CPUs less zone0's. */
  zoneCpus: readonly number[];
  /** The most guest memory one zone can have here (the pool less the engine's share, at most the zone maximum). */
  maxMemBytes: number;
  /** Zone ids a running daemon already uses (empty when none is reachable). */
  takenIds: ReadonlySet<number>;
  /** --kernel / --initrd: files on this host to boot instead of the board's paths. */
  kernel?: string;
  initrd?: string;
  /** How the kernel file reads (preflight's payload detection); undefined when it cannot be read. */
  kernelFormat(path: string): "image" | "elf" | "raw" | undefined;
}

/** What the foreign config says about its guest, for telling Linux from other kernels. */
export interface GuestHints {
  /** Field names for notes: where the kernel path and the board's RAM came from. */
  kernelField: string;
  name: string;
  /** Load address and entry point the foreign config gives (raw binaries need them). */
  loadAddr?: number;
  entry?: number;
  /** End of the board's first RAM region: a raw binary linked for it may use RAM up to there. */
  ramEnd?: number;
}

export class ImportError extends ConfigError {}

export function readSource(file: string, what: string): string {
  try {
    return readConfigText(file, `the ${what}`);
  } catch (e) {
    throw e instanceof ConfigError ? new ImportError(e.message) : e;
  }
}

/** "0x8000_0000", "2147483648" or a number; undefined when it is neither. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v !== "string") return undefined;
  const t = v.replace(/_/g, "").trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  if (/^\d+$/.test(t)) return Number(t);
  return undefined;
}

export const hex = (n: number) => `0x${n.toString(16)}`;
/** 0x8020_0000: as TOML and the source configs write addresses. */
const hexAddr = (n: number, digits = 1) => `0x${n.toString(16).padStart(digits, "0").replace(/(?=(?:[0-9a-f]{4})+$)(?!^)/g, "_")}`;
/** A machine address as the source configs write them: 0x0c00_0000. */
export const machineAddr = (n: number) => hexAddr(n, 8);

/** A zone name tsvisor accepts, derived from a foreign one (or the file name). */
export function zoneName(name: unknown, file: string, notes: string[], field: string): string {
  const raw = typeof name === "string" && name ? name : basename(file).replace(/\.[^.]*$/, "");
  let out = raw.replace(/[^a-zA-Z0-9_.-]/g, "-").replace(/^[^a-zA-Z0-9]+/, "").slice(0, 63);
  if (!out) out = "imported";
  if (out !== raw) notes.push(`${field}: "${raw}" is not a valid tsvisor zone name: using "${out}"`);
  return out;
}

/** Guest memory for the imported RAM size, rounded up to what a zone can have. */
export function memorySize(bytes: number, notes: string[], field: string): string {
  const rounded = Math.ceil(bytes / ALIGN) * ALIGN;
  if (rounded !== bytes) notes.push(`${field}: ${bytes} bytes of RAM rounded up to ${formatSize(rounded)} (zone memory is a multiple of 64K)`);
  return formatSize(rounded);
}

function render(draft: ZoneDraft, source: string, notes: string[], warnings: string[]): string {
  const head = [`# Imported from ${source} by \`tsvisor import\`.`, "# Check it with `tsvisor check` before starting it."];
  if (warnings.length) head.push("# Warnings:", ...warnings.map((n) => `#   ${n}`));
  if (notes.length) head.push("# Changed or not carried over:", ...notes.map((n) => `#   ${n}`));
  const body: Record<string, unknown> = { zone: draft.zone, boot: draft.boot };
  if (draft.device?.length) body.device = draft.device;
  // Addresses read better in hex, as the source configs write them (smol-toml writes decimal).
  const toml = stringify(body).replace(/^(load_addr|entry) = (\d+)$/gm, (_, k: string, v: string) => `${k} = ${hexAddr(Number(v))}`);
  return `${head.join("\n")}\n\n${toml}\n`;
}

// Kernels that hypervisor configs boot besides Linux; all are built for QEMU virt like our zones.
const OTHER_OS: [RegExp, string][] = [
  [/nimbos/i, "NimbOS"], [/arceos/i, "ArceOS"], [/starry/i, "Starry OS"], [/rcore/i, "rCore"], [/rt-?thread/i, "RT-Thread"],
  [/ruxos/i, "RuxOS"], [/zephyr/i, "Zephyr"], [/u-?boot/i, "U-Boot"], [/freertos/i, "FreeRTOS"], [/opensbi|fw_(jump|payload)/i, "OpenSBI"],
];

function applyOverrides(d: ZoneDraft, notes: string[], host: ImportHost, kernelField: string): void {
  if (host.kernel !== undefined) {
    notes.push(`${kernelField}: ${d.boot.kernel} is a path on the board: booting ${resolve(host.kernel)} (--kernel) instead`);
    d.boot.kernel = resolve(host.kernel);
  }
  if (host.initrd !== undefined) {
    d.boot.initrd = resolve(host.initrd);
    notes.push(`boot.initrd: ${d.boot.initrd} (--initrd)`);
  }
}

// A board's CPU numbers and zone id mean nothing on this host unless they happen to fit.
function fitHost(d: ZoneDraft, notes: string[], host: ImportHost): void {
  const usable = host.zoneCpus;
  if (d.zone.cpus > usable.length && usable.length > 0) {
    notes.push(`zone.cpus: ${d.zone.cpus} vCPUs but this host has ${usable.length} CPU(s) for zones (${usable.join(",")}): lowered to ${usable.length}`);
    d.zone.cpus = usable.length;
    if (d.zone.host_cpus) d.zone.host_cpus = d.zone.host_cpus.slice(0, usable.length);
  }
  const hc = d.zone.host_cpus;
  if (hc && !hc.every((c) => usable.includes(c))) {
    notes.push(`zone.host_cpus: the board's CPUs [${hc.join(", ")}] are not all CPUs zones may use here (${usable.join(",") || "none"}): ` +
      "left out, the daemon picks free CPUs (set host_cpus to pin the vCPUs)");
    delete d.zone.host_cpus;
  }
  if (d.zone.id !== undefined && host.takenIds.has(d.zone.id)) {
    notes.push(`zone.id: ${d.zone.id} is taken by a zone of the running daemon: left out, the daemon gives the lowest free id`);
    delete d.zone.id;
  }
  const mem = parseSize(d.zone.memory);
  if (mem > host.maxMemBytes) {
    const fit = Math.floor(host.maxMemBytes / ALIGN) * ALIGN;
    notes.push(`zone.memory: ${d.zone.memory} is more than one zone can have here (the pool and the engine's share): lowered to ${formatSize(fit)} ` +
      "(raise pool.memory in the system file to give it more)");
    d.zone.memory = formatSize(fit);
  }
}

/** Warnings, and [boot] settings, for a guest that is not a Linux Image. */
function guestWarnings(d: ZoneDraft, hints: GuestHints, host: ImportHost): string[] {
  const format = host.kernelFormat(d.boot.kernel);
  const os = OTHER_OS.find(([re]) => re.test(`${hints.name} ${d.boot.kernel}`))?.[1];
  if (format === "image" || (format === undefined && os === undefined)) {
    return format === undefined ? [`boot.kernel: ${d.boot.kernel} cannot be read here: give the kernel with --kernel, then run tsvisor check`] : [];
  }
  const what = os ?? "the guest";
  const seen = format === undefined ? `(${os} by its name; ${d.boot.kernel} cannot be read here)` : `(the kernel file is ${format === "elf" ? "an ELF executable" : "a raw binary"})`;
  const head = `guest: ${what} is not Linux ${seen}`;
  const needs = `it must be built for QEMU virt riscv64 (RAM at ${machineAddr(RAM_BASE)}, SBI console or 16550 UART at ${machineAddr(deviceBase("uart"))}, PLIC at ${machineAddr(PLIC_BASE)}); ` +
    "boot.cmdline and an initrd reach it only through the device tree";
  if (format === "elf") return [`${head}: tsvisor's ELF loader takes it (format = "elf" or "auto"): its segments must lie in zone RAM; ${needs}`];
  d.boot.format = "raw";
  const load = hints.loadAddr ?? machine.rawLoadAddr;
  d.boot.load_addr = load;
  d.boot.entry = hints.entry ?? load;
  const out = [`${head}: tsvisor's raw loader takes it: set format = "raw", load_addr = ${hexAddr(load)}, entry = ${hexAddr(d.boot.entry)} ` +
    `(done in this file, from the source's load address and entry point); ${needs}`];
  const ram = parseSize(d.zone.memory);
  if (hints.ramEnd !== undefined && hints.ramEnd > RAM_BASE + ram) {
    const need = Math.ceil((hints.ramEnd - RAM_BASE) / ALIGN) * ALIGN;
    if (need <= host.maxMemBytes) {
      d.zone.memory = formatSize(need);
      out.push(`zone.memory: ${formatSize(need)}, so the board's RAM up to ${hexAddr(hints.ramEnd)} (which a kernel linked for it may use) is zone RAM too`);
    }
  }
  if (load < RAM_BASE || load >= RAM_BASE + parseSize(d.zone.memory)) {
    out.push(`boot.load_addr: ${hexAddr(load)} is outside zone RAM (${machineAddr(RAM_BASE)}..): rebuild the guest for ${machineAddr(machine.rawLoadAddr)} or give the zone more memory`);
  }
  return out;
}

/** Overrides, fitting this host, telling the guest's kind; then the zone file. */
export function finishImport(d: ZoneDraft, notes: string[], hints: GuestHints, host: ImportHost, source: string): ImportResult {
  applyOverrides(d, notes, host, hints.kernelField);
  fitHost(d, notes, host);
  const warnings = guestWarnings(d, hints, host);
  // A raw binary uses the source's load address and entry point: they are no longer "not needed".
  if (d.boot.format === "raw") notes = notes.filter((n) => !/^(kernel\.)?(entry_point|kernel_load_p?addr):/.test(n));
  return { draft: d, notes, warnings, toml: render(d, source, notes, warnings) };
}
