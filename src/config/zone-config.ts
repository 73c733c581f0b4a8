// Zone configuration files (TOML), validated with a schema. Every problem is reported with the
// file, the field and how to fix it.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { homedir } from "node:os";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { parseSize } from "./size.js";

export class ConfigError extends Error {}

const sizeField = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  try {
    parseSize(v);
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
  }
});

export const zoneFileSchema = z.object({
  zone: z.object({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, "use letters, digits, '.', '_' or '-' (max 63)"),
    id: z.number().int().min(1).max(4095).optional(),
    kind: z.enum(["user", "realtime"]).default("user"),
    arch: z.literal("riscv64").default("riscv64"),
    cpus: z.number().int().min(1).max(32).default(1),
    memory: sizeField.default("256M"),
  }).strict(),
  boot: z.object({
    kernel: z.string().min(1),
    initrd: z.string().min(1).optional(),
    cmdline: z.string().default("console=ttyS0"),
  }).strict(),
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
}

/** Expand "~" and resolve relative paths against the config file's directory. */
export function resolvePath(p: string, baseDir: string): string {
  if (p === "~" || p.startsWith("~/")) return resolve(homedir(), p.slice(2));
  return resolve(baseDir, p);
}

function describeIssue(file: string, issue: z.ZodIssue): string {
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
    cpus: f.zone.cpus,
    memBytes: parseSize(f.zone.memory),
    kernel: resolvePath(f.boot.kernel, dir),
    initrd: f.boot.initrd !== undefined ? resolvePath(f.boot.initrd, dir) : undefined,
    cmdline: f.boot.cmdline,
  };
}

export function loadZoneConfig(file: string): ZoneConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot read zone config: ${code === "ENOENT" ? "file not found" : (e as Error).message}`);
  }
  return parseZoneConfig(text, file);
}
