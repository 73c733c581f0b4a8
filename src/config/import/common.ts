// Shared parts of `tsvisor import`: the draft zone it builds, the notes about what did not carry
// over, and writing the draft as a tsvisor zone file.
import { basename } from "node:path";
import { stringify } from "smol-toml";
import { ConfigError, readConfigText } from "../zone-config.js";
import { formatSize } from "../size.js";

export const RAM_BASE = 0x8000_0000;
const ALIGN = 0x10000; // zone memory is a multiple of 64 KiB

export interface ZoneDraft {
  zone: { name: string; id?: number; kind: "user"; cpus: number; host_cpus?: number[]; memory: string };
  boot: { kernel: string; initrd?: string; cmdline: string };
  device?: { type: "blk"; path: string }[];
}

export interface ImportResult {
  draft: ZoneDraft;
  /** "field: what has no equivalent and what to do", one per foreign setting that did not carry over. */
  notes: string[];
  toml: string;
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

export function render(draft: ZoneDraft, source: string, notes: string[]): string {
  const head = [`# Imported from ${source} by \`tsvisor import\`.`, "# Check it with `tsvisor check` before starting it."];
  if (notes.length) head.push("# Not carried over:", ...notes.map((n) => `#   ${n}`));
  const body: Record<string, unknown> = { zone: draft.zone, boot: draft.boot };
  if (draft.device?.length) body.device = draft.device;
  return `${head.join("\n")}\n\n${stringify(body)}\n`;
}
