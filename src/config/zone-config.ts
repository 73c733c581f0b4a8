// Zone configuration files (TOML), validated with a schema. Every problem is reported with the
// file, the field and how to fix it.
import { dirname, resolve } from "node:path";
import { homedir } from "node:os";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { parseSize } from "./size.js";
import { assignSlots, devicesSchema, type DeviceConfig } from "./devices.js";
import { CONFIG_LIMIT, readUserFileSync, UserFileError } from "../host/user-file.js";

/** How a zone's kernel file is read: told from its contents, or forced. */
export const PAYLOAD_FORMATS = ["auto", "image", "elf", "raw"] as const;
export type FormatChoice = (typeof PAYLOAD_FORMATS)[number];

export class ConfigError extends Error {}

const sizeField = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  try {
    parseSize(v);
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
  }
});

// vCPU i runs on host_cpus[i]; sharing a CPU is an explicit opt-in that realtime zones never get.
function checkCpus(z0: { kind: string; cpus?: number; host_cpus?: number[]; share_cpus: boolean }, ctx: z.RefinementCtx): void {
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

export const zoneFileSchema = z.object({
  zone: z.object({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, "use letters, digits, '.', '_' or '-' (max 63)"),
    id: z.number().int().min(1).max(4095).optional(),
    kind: z.enum(["user", "realtime"]).default("user"),
    arch: z.literal("riscv64").default("riscv64"),
    cpus: z.number().int().min(1).max(32).optional(),
    memory: sizeField.default("256M"),
    host_cpus: z.array(z.number().int().min(0).max(1023)).min(1).max(32).optional(),
    share_cpus: z.boolean().default(false),
  }).strict().superRefine(checkCpus),
  boot: z.object({
    kernel: z.string().min(1),
    initrd: z.string().min(1).optional(),
    cmdline: z.string().default("console=ttyS0"),
    format: z.enum(PAYLOAD_FORMATS, { errorMap: () => ({ message: `use one of ${PAYLOAD_FORMATS.map((f) => `"${f}"`).join(", ")}` }) }).default("auto"),
    load_addr: z.number().int().min(0).max(2 ** 48).optional(),
    entry: z.number().int().min(0).max(2 ** 48).optional(),
  }).strict().superRefine((b, ctx) => {
    const raw = b.format === "raw" || b.format === "auto";
    for (const f of ["load_addr", "entry"] as const) {
      if (b[f] !== undefined && !raw) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [f], message: `only raw binaries take ${f}: remove it, or set format = "raw"` });
      }
    }
  }),
  device: devicesSchema.default([]),
}).strict();

export type ZoneFile = z.infer<typeof zoneFileSchema>;

export interface ZoneConfig {
  file: string;
  name: string;
  id?: number;
  kind: "user" | "realtime";
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

export function describeIssue(file: string, issue: z.ZodIssue): string {
  const field = issue.path.join(".") || "(top level)";
  let fix = issue.message;
  if (issue.code === "unrecognized_keys") fix = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}: remove or correct the spelling`;
  else if (issue.code === "invalid_type" && issue.received === "undefined") fix = `missing: add ${field} = ...`;
  return `${file}: ${field}: ${fix}`;
}

export function parseZoneConfig(text: string, file: string): ZoneConfig {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid TOML: ${(e as Error).message.split("\n")[0]}`);
  }
  const r = zoneFileSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => describeIssue(file, i)).join("\n"));
  const f = r.data;
  const dir = dirname(resolve(file));
  return {
    file,
    name: f.zone.name,
    id: f.zone.id,
    kind: f.zone.kind,
    cpus: f.zone.cpus ?? f.zone.host_cpus?.length ?? 1,
    hostCpus: f.zone.host_cpus,
    shareCpus: f.zone.share_cpus,
    memBytes: parseSize(f.zone.memory),
    kernel: resolvePath(f.boot.kernel, dir),
    initrd: f.boot.initrd !== undefined ? resolvePath(f.boot.initrd, dir) : undefined,
    cmdline: f.boot.cmdline,
    format: f.boot.format,
    ...(f.boot.load_addr !== undefined ? { loadAddr: f.boot.load_addr } : {}),
    ...(f.boot.entry !== undefined ? { entry: f.boot.entry } : {}),
    devices: assignSlots(f.zone.name, f.device, (p) => resolvePath(p, dir)),
  };
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
