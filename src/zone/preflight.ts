// Checks of a zone config that need the host but no resources: memory size rules; kernel and
// initrd that exist, are readable, are a payload tsvisor boots and fit in the zone's memory; disk
// images and TAPs that open as the zone will open them. Shared by `tsvisor check` and the daemon,
// so both refuse the same configs with the same words. `check` also runs it on the parts of a
// file that passed the schema (ZoneParts), so a bad field hides none of these problems.
import { closeSync } from "node:fs";
import type { ZoneConfig, ZoneParts } from "../config/zone-config.js";
import type { DeviceConfig } from "../config/devices.js";
import { formatSize } from "../config/size.js";
import * as L from "../engine/riscv64/layout.js";
import { planBoot } from "../engine/riscv64/loader.js";
import { BootError } from "../engine/boot-error.js";
import { describePayload, PAYLOAD_HEAD_BYTES, type Payload } from "../engine/riscv64/payload.js";
import { buildDtb } from "../engine/riscv64/platform.js";
import { openDiskImage } from "../host/block-file.js";
import { openTap } from "../host/tap.js";
import { userFileHead, UserFileError } from "../host/user-file.js";
import { imageLimit, MAX_ZONE_MEM } from "./zone.js";

const FIX: Record<Exclude<UserFileError["problem"], "size">, string> = {
  missing: "fix the path (relative paths are relative to the zone file)",
  access: "fix the path (relative paths are relative to the zone file) or the file's permissions",
  type: "point it at the image file",
  io: "check the file and the disk it is on",
};

/** One refusal: the field it is about ("boot.kernel") and what to fix. */
export interface Preflight {
  field: string;
  message: string;
}

// Only the header and the size are needed here: the whole image is read once, when the zone starts.
function imageHead(path: string, what: string, memBytes: number | undefined): { head: Uint8Array; size: number } | string {
  try {
    return userFileHead(path, imageLimit(memBytes ?? MAX_ZONE_MEM), PAYLOAD_HEAD_BYTES);
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    const fix = e.problem === "size" ? `use a smaller ${what} or give the zone more memory` : FIX[e.problem];
    return `cannot read ${what} ${path}: ${e.reason}: ${fix}`;
  }
}

function memoryProblem(memBytes: number): string | undefined {
  if (memBytes % L.WASM_PAGE !== 0) {
    return `${formatSize(memBytes)} is not a multiple of 64K: round it, e.g. to ${formatSize(Math.ceil(memBytes / L.WASM_PAGE) * L.WASM_PAGE)}`;
  }
  if (memBytes > MAX_ZONE_MEM) return `${formatSize(memBytes)} is more than a zone can have: use at most ${Math.floor(MAX_ZONE_MEM / 1024 ** 2)}M`;
  return undefined;
}

/**
 * Open each disk image and TAP as the zone's process will (openVirtioDevices), and close it again:
 * a missing, unreadable or read-only image, one another zone has locked, a TAP this user may not
 * create or that is busy are refused here, before a zone process exists.
 */
function deviceProblems(devices: readonly DeviceConfig[]): Preflight[] {
  const out: Preflight[] = [];
  devices.forEach((d, i) => {
    const at = `device.${d.index ?? i}`;
    try {
      if (d.type === "blk") closeSync(openDiskImage(d.path, d.readonly).fd);
      else if (d.type === "net") closeSync(openTap(d.tap));
    } catch (e) {
      out.push({ field: `${at}.${d.type === "blk" ? "path" : "tap"}`, message: (e as Error).message });
    }
  });
  return out;
}

/** Every problem found in what is known of a zone (a whole config, or the parts of a file that passed). */
export function preflightProblems(c: ZoneConfig | ZoneParts): Preflight[] {
  const out: Preflight[] = [];
  const add = (field: string, message: string) => out.push({ field, message });
  const bad = "bad" in c ? c.bad : new Set<string>();
  const mem = c.memBytes !== undefined ? memoryProblem(c.memBytes) : undefined;
  if (mem) add("zone.memory", mem);
  const memBytes = c.memBytes !== undefined && !mem ? c.memBytes : undefined;
  const k = c.kernel !== undefined ? imageHead(c.kernel, "kernel", memBytes) : undefined;
  if (typeof k === "string") add("boot.kernel", k);
  const i = c.initrd !== undefined ? imageHead(c.initrd, "initrd", memBytes) : undefined;
  if (typeof i === "string") add("boot.initrd", i);
  if (c.devices) out.push(...deviceProblems(c.devices));
  if (k === undefined || typeof k === "string" || [...bad].some((f) => f.startsWith("boot."))) return out;
  try {
    const payload = describePayload(k.head, k.size, c.kernel!, { format: c.format, loadAddr: c.loadAddr, entry: c.entry });
    // Where the payload, initrd and device tree go needs everything: only a whole config gets here.
    if (typeof i === "string" || memBytes === undefined || c.cpus === undefined || bad.size) return out;
    const initrdLen = i?.size;
    const dtb = buildDtb({ harts: c.cpus, ramSize: memBytes, bootargs: c.cmdline ?? "",
      initrd: initrdLen !== undefined ? { start: L.RAM_BASE, end: L.RAM_BASE + 1 } : undefined });
    planBoot(L.RAM_BASE, memBytes, payload, initrdLen, dtb.length, c.name ?? "", c.kernel!);
  } catch (e) {
    if (!(e instanceof BootError)) throw e;
    add(e.field, e.message);
  }
  return out;
}

/** How a kernel file reads, as a zone start tells it (Image, ELF, raw binary); undefined when it cannot be read or is no payload. */
export function kernelFormat(path: string): Payload["format"] | undefined {
  const k = imageHead(path, "kernel", undefined);
  if (typeof k === "string") return undefined;
  try {
    return describePayload(k.head, k.size, path).format;
  } catch (e) {
    if (e instanceof BootError) return undefined;
    throw e;
  }
}

/** Every problem found, each as "file: field: what to fix". Empty when the zone can boot. */
export function preflightZone(c: ZoneConfig): string[] {
  return preflightProblems(c).map((p) => `${c.file}: ${p.field}: ${p.message}`);
}
