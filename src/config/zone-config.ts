// Zone configuration files (TOML), validated with a schema. Every problem is reported with the
// file, the field and how to fix it.
import { dirname, resolve } from "node:path";
import { homedir } from "node:os";
import { z } from "zod";
import { parseSize } from "./size.js";
import { sizeSchema } from "./size-schema.js";
import { assignSlots, checkDevices, devicesSchema, type DeviceConfig } from "./devices.js";
import { FieldChecker, parseTomlText } from "./field-check.js";
import { unknownKey } from "./issue-words.js";
import { CONFIG_LIMIT, readUserFileSync, UserFileError } from "../host/user-file.js";
import { ARCHES, CONSOLE_CMDLINE, DEFAULT_ARCH, type Arch } from "../engine/arch.js";

/** How a zone's kernel file is read: told from its contents, or forced. */
export const PAYLOAD_FORMATS = ["auto", "image", "elf", "raw"] as const;
export type FormatChoice = (typeof PAYLOAD_FORMATS)[number];

export class ConfigError extends Error {}

// vCPU i runs on host_cpus[i]; sharing a CPU is an explicit opt-in that realtime zones never get.
// Runs over the fields that passed (see field-check.ts): any of them may be missing.
function checkCpus(z0: { kind?: string; cpus?: number; host_cpus?: number[]; share_cpus?: boolean }, ctx: z.RefinementCtx): void {
  const hc = z0.host_cpus;
  const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  if (hc !== undefined) {
    if (z0.cpus !== undefined && hc.length !== z0.cpus) {
      issue("host_cpus", `lists ${hc.length} host CPU(s) for cpus = ${z0.cpus}: give exactly one host CPU per vCPU`);
    }
    const dup = hc.find((c, i) => hc.indexOf(c) !== i);
    if (dup !== undefined) issue("host_cpus", `host CPU ${dup} is listed twice: each vCPU needs a CPU of its own`);
  }
  if (z0.kind === "realtime" && z0.share_cpus) issue("share_cpus", "realtime zones never share CPUs: remove share_cpus or use kind = \"user\"");
}

function checkBoot(b: { format?: FormatChoice; load_addr?: number; entry?: number }, ctx: z.RefinementCtx): void {
  const raw = b.format === "raw" || b.format === "auto";
  for (const f of ["load_addr", "entry"] as const) {
    if (b[f] !== undefined && !raw) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [f], message: `only raw binaries take ${f}: remove it, or set format = "raw"` });
    }
  }
}

const zoneTable = z.object({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, "use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"),
  id: z.number().int().min(1).max(4095).optional(),
  kind: z.enum(["user", "realtime"]).default("user"),
  arch: z.enum(ARCHES).default(DEFAULT_ARCH),
  cpus: z.number().int().min(1).max(32).optional(),
  memory: sizeSchema.default("256M"),
  host_cpus: z.array(z.number().int().min(0).max(1023)).min(1).max(32).optional(),
  share_cpus: z.boolean().default(false),
}).strict();

const bootTable = z.object({
  kernel: z.string().min(1, "give the path of the kernel image"),
  initrd: z.string().min(1, "give the path of the initramfs, or remove initrd").optional(),
  cmdline: z.string().optional(), // default: the machine's console (CONSOLE_CMDLINE)
  format: z.enum(PAYLOAD_FORMATS).default("auto"),
  load_addr: z.number().int().min(0).max(2 ** 48).optional(),
  entry: z.number().int().min(0).max(2 ** 48).optional(),
}).strict();

export const zoneFileSchema = z.object({
  zone: zoneTable.superRefine(checkCpus),
  boot: bootTable.superRefine(checkBoot),
  device: devicesSchema.default([]),
}).strict();

export type ZoneFile = z.infer<typeof zoneFileSchema>;

export interface ZoneConfig {
  file: string;
  name: string;
  id?: number;
  kind: "user" | "realtime";
  /** Which engine runs the zone. */
  arch: Arch;
  cpus: number;
  memBytes: number;
  kernel: string;
  initrd?: string;
  cmdline: string;
  /** How to read the kernel file ("auto": from its contents); raw binaries: load address and entry. */
  format?: FormatChoice;
  loadAddr?: number;
  entry?: number;
  /** Host CPU of each vCPU; omitted: the daemon picks free CPUs, `run` leaves threads unpinned. */
  hostCpus?: number[];
  /** zoneU only: accept host CPUs that zone0 or other sharing zoneU also use. */
  shareCpus?: boolean;
  /** virtio devices ([[device]] tables), slots assigned, paths resolved. */
  devices?: DeviceConfig[];
}

/** Expand "~" and resolve relative paths against the config file's directory. */
export function resolvePath(p: string, baseDir: string): string {
  if (p === "~" || p.startsWith("~/")) return resolve(homedir(), p.slice(2));
  return resolve(baseDir, p);
}

/**
 * What could be read of a zone file that has problems: every field that passed, the others
 * absent and named in `bad` ("zone.cpus", "device.1"), so host checks can go on with the rest.
 */
export type ZoneParts = { file: string; bad: ReadonlySet<string> } & Partial<Omit<ZoneConfig, "file">>;

export interface ZoneInspection {
  /** Every problem, "file: field: what is wrong: fix". */
  problems: string[];
  /** For a TOML syntax error: the line, with a caret under the spot. */
  excerpt?: string;
  parts: ZoneParts;
  /** The config, when there is no problem. */
  config?: ZoneConfig;
}

/** Check a zone file's text field by field: all problems at once, and what passed. */
export function inspectZoneConfig(text: string, file: string): ZoneInspection {
  const toml = parseTomlText(text, file);
  if (!("root" in toml)) return { problems: [toml.problem], excerpt: toml.excerpt || undefined, parts: { file, bad: new Set(["(file)"]) } };
  const fc = new FieldChecker(toml.root);
  const root = toml.root as Record<string, unknown>;
  const tables = Object.keys(zoneFileSchema.shape);
  for (const k of Object.keys(root)) if (!tables.includes(k)) fc.add([k], unknownKey(k, tables, ""));
  const zone = fc.table(zoneTable, ["zone"], true) as Partial<z.infer<typeof zoneTable>> | undefined;
  if (zone) fc.rule(zone, ["zone"], checkCpus);
  const boot = fc.table(bootTable, ["boot"], true) as Partial<z.infer<typeof bootTable>> | undefined;
  if (boot) fc.rule(boot, ["boot"], checkBoot);
  const devices = checkDevices(fc);

  const bad = new Set(fc.issues.map((i) => i.path.slice(0, 2).join(".")));
  const ok = <T>(table: string, key: string, v: T | undefined): T | undefined => (bad.has(`${table}.${key}`) || bad.has(table) ? undefined : v);
  const dir = dirname(resolve(file));
  const z0 = zone ?? {};
  const b0 = boot ?? {};
  const hostCpus = ok("zone", "host_cpus", z0.host_cpus);
  const cpusKnown = !bad.has("zone.cpus") && !bad.has("zone.host_cpus") && !bad.has("zone");
  const memory = ok("zone", "memory", z0.memory);
  const kernel = ok("boot", "kernel", b0.kernel);
  const initrd = ok("boot", "initrd", b0.initrd);
  const name = ok("zone", "name", z0.name);
  const parts: ZoneParts = {
    file, bad, name,
    id: ok("zone", "id", z0.id),
    kind: ok("zone", "kind", z0.kind),
    arch: ok("zone", "arch", z0.arch),
    cpus: cpusKnown ? z0.cpus ?? hostCpus?.length ?? 1 : undefined,
    hostCpus,
    shareCpus: ok("zone", "share_cpus", z0.share_cpus),
    memBytes: memory !== undefined ? parseSize(memory) : undefined,
    kernel: kernel !== undefined ? resolvePath(kernel, dir) : undefined,
    initrd: initrd !== undefined ? resolvePath(initrd, dir) : undefined,
    cmdline: ok("boot", "cmdline", b0.cmdline ?? CONSOLE_CMDLINE[z0.arch ?? DEFAULT_ARCH]),
    format: ok("boot", "format", b0.format),
    loadAddr: ok("boot", "load_addr", b0.load_addr),
    entry: ok("boot", "entry", b0.entry),
    devices: assignSlots(name ?? "zone", devices, (p) => resolvePath(p, dir)),
  };
  const problems = fc.problems(file);
  if (problems.length) return { problems, parts };
  const { bad: _none, ...config } = parts;
  for (const k of ["loadAddr", "entry"] as const) if (config[k] === undefined) delete config[k];
  return { problems, parts, config: config as ZoneConfig };
}

/** The config of a zone file's text; ConfigError with every problem, one a line. */
export function parseZoneConfig(text: string, file: string): ZoneConfig {
  const r = inspectZoneConfig(text, file);
  if (!r.config) throw new ConfigError(r.problems.join("\n"));
  return r.config;
}

export function loadZoneConfig(file: string): ZoneConfig {
  return parseZoneConfig(readConfigText(file, "zone config"), file);
}

/** The text of a config file the user named (checked first: see host/user-file.ts); ConfigError if unreadable. */
export function readConfigText(file: string, what: string): string {
  try {
    return readUserFileSync(file, CONFIG_LIMIT).toString("utf8");
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    throw new ConfigError(`${file}: cannot read ${what}: ${e.reason}`);
  }
}
