// The system file: what zone0 (the daemon's side of the host) keeps for itself and how much memory
// the daemon reserves as the pool that guest zones are carved from.
import { z } from "zod";
import { parseSize } from "./size.js";
import { sizeSchema } from "./size-schema.js";
import { ConfigError, readConfigText } from "./zone-config.js";
import { FieldChecker, parseTomlText } from "./field-check.js";
import { unknownKey } from "./issue-words.js";

export const DEFAULT_POOL = "1G";

function checkZone0(z0: { host_cpus?: number[] }, ctx: z.RefinementCtx): void {
  const cpus = z0.host_cpus ?? [];
  const dup = cpus.find((c, i) => cpus.indexOf(c) !== i);
  if (dup !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["host_cpus"], message: `host CPU ${dup} is listed twice: list it once` });
}

const zone0Table = z.object({
  host_cpus: z.array(z.number().int().min(0).max(1023)).default([]),
}).strict();
const poolTable = z.object({
  memory: sizeSchema.default(DEFAULT_POOL),
}).strict();

export const systemFileSchema = z.object({
  zone0: zone0Table.superRefine(checkZone0).default({}),
  pool: poolTable.default({}),
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

/**
 * Check a system file's text: every problem, and a config to go on with (fields with a problem
 * keep their defaults), so `tsvisor check` can still place zones beside a bad system file.
 */
export function inspectSystemConfig(text: string, file: string): { problems: string[]; excerpt?: string; config: SystemConfig } {
  const fallback = { ...defaultSystemConfig(), file };
  const toml = parseTomlText(text, file);
  if (!("root" in toml)) return { problems: [toml.problem], excerpt: toml.excerpt || undefined, config: fallback };
  const fc = new FieldChecker(toml.root);
  const tables = Object.keys(systemFileSchema.shape);
  for (const k of Object.keys(toml.root as object)) if (!tables.includes(k)) fc.add([k], unknownKey(k, tables, ""));
  const zone0 = fc.table(zone0Table, ["zone0"], false) as { host_cpus?: number[] } | undefined;
  if (zone0) fc.rule(zone0, ["zone0"], checkZone0);
  const pool = fc.table(poolTable, ["pool"], false) as { memory?: string | number } | undefined;
  const cpus = !fc.failed("zone0") && zone0?.host_cpus ? zone0.host_cpus : [];
  const memory = !fc.failed("pool") && pool?.memory !== undefined ? pool.memory : DEFAULT_POOL;
  return { problems: fc.problems(file), config: { file, zone0Cpus: [...cpus].sort((a, b) => a - b), poolBytes: parseSize(memory) } };
}

export function parseSystemConfig(text: string, file: string): SystemConfig {
  const r = inspectSystemConfig(text, file);
  if (r.problems.length) throw new ConfigError(r.problems.join("\n"));
  return r.config;
}

export function loadSystemConfig(file: string | undefined): SystemConfig {
  if (file === undefined) return defaultSystemConfig();
  return parseSystemConfig(readConfigText(file, "system config"), file);
}
