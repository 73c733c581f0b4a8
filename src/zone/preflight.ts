// Checks of a zone config that need the host but no resources: memory size rules, and kernel /
// initrd that exist, are readable, are a RISC-V Image, and fit in the zone's memory. Shared by
// `tsvisor check` and the daemon, so both refuse the same configs with the same words.
import type { ZoneConfig } from "../config/zone-config.js";
import { formatSize } from "../config/size.js";
import * as L from "../engine/riscv64/layout.js";
import { BootError, planBoot } from "../engine/riscv64/loader.js";
import { describePayload, PAYLOAD_HEAD_BYTES } from "../engine/riscv64/payload.js";
import { buildDtb } from "../engine/riscv64/platform.js";
import { userFileHead, UserFileError } from "../host/user-file.js";
import { imageLimit, MAX_ZONE_MEM } from "./zone.js";

const FIX: Record<Exclude<UserFileError["problem"], "size">, string> = {
  missing: "fix the path (relative paths are relative to the zone file)",
  access: "fix the path (relative paths are relative to the zone file) or the file's permissions",
  type: "point it at the image file",
  io: "check the file and the disk it is on",
};

// Only the header and the size are needed here: the whole image is read once, when the zone starts.
function imageHead(path: string, what: string, c: ZoneConfig): { head: Uint8Array; size: number } | string {
  try {
    return userFileHead(path, imageLimit(c.memBytes), PAYLOAD_HEAD_BYTES);
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    const fix = e.problem === "size" ? `use a smaller ${what} or give the zone more memory` : FIX[e.problem];
    return `cannot read ${what} ${path}: ${e.reason}: ${fix}`;
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
  const k = imageHead(c.kernel, "kernel", c);
  if (typeof k === "string") add("boot.kernel", k);
  const i = c.initrd !== undefined ? imageHead(c.initrd, "initrd", c) : undefined;
  if (typeof i === "string") add("boot.initrd", i);
  if (typeof k === "string") return out;
  try {
    const payload = describePayload(k.head, k.size, c.kernel, { format: c.format, loadAddr: c.loadAddr, entry: c.entry });
    if (typeof i === "string" || !memOk) return out;
    const initrdLen = i?.size;
    const dtb = buildDtb({ harts: c.cpus, ramSize: c.memBytes, bootargs: c.cmdline,
      initrd: initrdLen !== undefined ? { start: L.RAM_BASE, end: L.RAM_BASE + 1 } : undefined });
    planBoot(L.RAM_BASE, c.memBytes, payload, initrdLen, dtb.length, c.name, c.kernel);
  } catch (e) {
    if (!(e instanceof BootError)) throw e;
    add(e.field, e.message);
  }
  return out;
}
