// The system file: what zone0 (the daemon's side of the host) keeps for itself and how much memory
// the daemon reserves as the pool that guest zones are carved from.
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { parseSize } from "./size.js";
import { ConfigError, describeIssue, readConfigText } from "./zone-config.js";

export const DEFAULT_POOL = "1G";

const sizeField = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  try {
    parseSize(v);
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
  }
});

export const systemFileSchema = z.object({
  zone0: z.object({
    host_cpus: z.array(z.number().int().min(0).max(1023)).default([]),
  }).strict().default({}),
  pool: z.object({
    memory: sizeField.default(DEFAULT_POOL),
  }).strict().default({}),
}).strict();

export interface SystemConfig {
  file: string;
  /** Host CPUs kept by zone0: the daemon, its helper threads and the zones' device threads. */
  zone0Cpus: number[];
  /** Bytes of guest memory the daemon reserves for all zones together. */
  poolBytes: number;
}

export function defaultSystemConfig(): SystemConfig {
  return { file: "(defaults)", zone0Cpus: [], poolBytes: parseSize(DEFAULT_POOL) };
}

export function parseSystemConfig(text: string, file: string): SystemConfig {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid TOML: ${(e as Error).message.split("\n")[0]}`);
  }
  const r = systemFileSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => describeIssue(file, i)).join("\n"));
  const cpus = r.data.zone0.host_cpus;
  const dup = cpus.find((c, i) => cpus.indexOf(c) !== i);
  if (dup !== undefined) throw new ConfigError(`${file}: zone0.host_cpus: host CPU ${dup} is listed twice: list it once`);
  return { file, zone0Cpus: [...cpus].sort((a, b) => a - b), poolBytes: parseSize(r.data.pool.memory) };
}

export function loadSystemConfig(file: string | undefined): SystemConfig {
  if (file === undefined) return defaultSystemConfig();
  return parseSystemConfig(readConfigText(file, "system config"), file);
}
