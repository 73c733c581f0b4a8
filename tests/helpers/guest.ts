// Test helpers: assemble bare-metal programs with the Debian cross toolchain (cached by content
// hash) and boot images in a zone, capturing the console.
import "./test-cache.js";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Zone, type ZoneSpec } from "../../src/zone/zone.js";
import type { ZoneOutcome } from "../../src/zone/outcome.js";

const ASM_DIR = resolve(fileURLToPath(new URL("../../../tests/asm", import.meta.url)));
const CACHE = join(process.env.TSVISOR_CACHE ?? join(homedir(), ".cache", "tsvisor"), "test-bin");

/** Assemble tests/asm/<files> (plus the Image header) into a flat binary; returns its path. */
export function buildAsm(files: string[], extraFlags: string[] = []): string {
  const all = ["image-head.S", ...files];
  const h = createHash("sha256");
  const headers = readdirSync(ASM_DIR).filter((f) => f.endsWith(".h")).sort();
  for (const f of [...all, "link.ld", ...headers]) {
    const p = join(ASM_DIR, f);
    if (existsSync(p)) h.update(f).update(readFileSync(p));
  }
  h.update(extraFlags.join(" "));
  const id = h.digest("hex").slice(0, 16);
  mkdirSync(CACHE, { recursive: true });
  const bin = join(CACHE, `${files[0].replace(/\W/g, "_")}-${id}.bin`);
  if (existsSync(bin)) return bin;
  const elf = `${bin}.elf`;
  execFileSync("riscv64-linux-gnu-gcc", [
    "-march=rv64gc_zba_zbb", "-mabi=lp64d", "-nostdlib", "-nostartfiles", "-static", "-I", ASM_DIR,
    "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", "-T", join(ASM_DIR, "link.ld"), ...extraFlags,
    ...all.map((f) => join(ASM_DIR, f)), "-o", elf,
  ], { stdio: ["ignore", "inherit", "inherit"] });
  execFileSync("riscv64-linux-gnu-objcopy", ["-O", "binary", elf, bin]);
  return bin;
}

export interface BootResult {
  outcome: ZoneOutcome;
  console: string;
  logs: string[];
  ms: number;
}

export interface BootOptions extends Partial<ZoneSpec> {
  kernel: string;
  timeoutMs?: number;
  /** Stop the zone as soon as the console contains this text (or matches this pattern). */
  until?: string | RegExp;
  /** Type this into the console once `when` appears. */
  input?: { when: string; text: string }[];
  /** Sees each console chunk as it arrives. */
  onConsole?: (chunk: Buffer, zone: Zone) => void;
  /** false: do not collect the console text (floods); `until` and `input` then see nothing. */
  keepConsole?: boolean;
}

export async function boot(o: BootOptions): Promise<BootResult> {
  const zone = new Zone({
    name: o.name ?? "test", arch: "riscv64", cpus: o.cpus ?? 1, memBytes: o.memBytes ?? 64 * 1024 * 1024,
    kernel: o.kernel, initrd: o.initrd, cmdline: o.cmdline ?? "console=ttyS0", devices: o.devices,
    format: o.format, loadAddr: o.loadAddr, entry: o.entry,
  });
  let out = "";
  const logs: string[] = [];
  const pending = [...(o.input ?? [])];
  zone.on("console", (d: Buffer) => {
    o.onConsole?.(d, zone);
    if (o.keepConsole === false) return;
    out += d.toString("latin1");
    if (o.until && (typeof o.until === "string" ? out.includes(o.until) : o.until.test(out))) zone.stop();
    while (pending.length && out.includes(pending[0].when)) zone.input(Buffer.from(pending.shift()!.text));
  });
  zone.on("log", (m: string) => logs.push(m));
  const t0 = performance.now();
  const timer = setTimeout(() => {
    logs.push(`timeout after ${o.timeoutMs ?? 30000} ms`);
    zone.stop();
  }, o.timeoutMs ?? 30000);
  try {
    const outcome = await zone.start();
    return { outcome, console: out, logs, ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}
