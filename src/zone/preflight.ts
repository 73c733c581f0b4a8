// Checks of a zone config that need the host but no resources: memory size rules, and kernel /
// initrd that exist, are readable, are a RISC-V Image, and fit in the zone's memory. Shared by
// `tsvisor check` and the daemon, so both refuse the same configs with the same words.
import { readFileSync, statSync } from "node:fs";
import type { ZoneConfig } from "../config/zone-config.js";
import { formatSize } from "../config/size.js";
import * as L from "../engine/riscv64/layout.js";
import { BootError, parseImageHeader, planLayout } from "../engine/riscv64/loader.js";
import { buildDtb } from "../engine/riscv64/platform.js";
import { MAX_ZONE_MEM } from "./zone.js";

function fileProblem(path: string, what: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return `${what} ${path} is not a regular file: point it at the image file`;
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : (e as Error).message;
    return `cannot read ${what} ${path}: ${why}: fix the path (relative paths are relative to the zone file)`;
  }
}

/** Every problem found, each as "file: field: what to fix". Empty when the zone can boot. */
export function preflightZone(c: ZoneConfig): string[] {
  const out: string[] = [];
  const add = (field: string, msg: string) => out.push(`${c.file}: ${field}: ${msg}`);
  let memOk = true;
  if (c.memBytes % L.WASM_PAGE !== 0) {
    add("zone.memory", `${formatSize(c.memBytes)} is not a multiple of 64K: round it, e.g. to ${formatSize(Math.ceil(c.memBytes / L.WASM_PAGE) * L.WASM_PAGE)}`);
    memOk = false;
  } else if (c.memBytes > MAX_ZONE_MEM) {
    add("zone.memory", `${formatSize(c.memBytes)} is more than a zone can have: use at most ${Math.floor(MAX_ZONE_MEM / 1024 ** 2)}M`);
    memOk = false;
  }
  const kErr = fileProblem(c.kernel, "kernel");
  if (kErr) add("boot.kernel", kErr);
  const iErr = c.initrd !== undefined ? fileProblem(c.initrd, "initrd") : undefined;
  if (iErr) add("boot.initrd", iErr);
  if (kErr) return out;
  try {
    const hdr = parseImageHeader(readFileSync(c.kernel), c.kernel);
    if (iErr || !memOk) return out;
    const initrdLen = c.initrd !== undefined ? statSync(c.initrd).size : undefined;
    const dtb = buildDtb({ harts: c.cpus, ramSize: c.memBytes, bootargs: c.cmdline,
      initrd: initrdLen !== undefined ? { start: L.RAM_BASE, end: L.RAM_BASE + 1 } : undefined });
    try {
      planLayout(L.RAM_BASE, c.memBytes, hdr, initrdLen, dtb.length, c.name);
    } catch (e) {
      add("zone.memory", (e as Error).message);
    }
  } catch (e) {
    if (!(e instanceof BootError)) throw e;
    add("boot.kernel", e.message);
  }
  return out;
}
