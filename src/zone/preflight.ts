// Checks of a zone config that need the host but no resources: memory size rules; kernel and
// initrd that exist, are readable, are a payload tsvisor boots and fit in the zone's memory; disk
// images and TAPs that open as the zone will open them. Shared by `tsvisor check` and the daemon,
// so both refuse the same configs with the same words. `check` also runs it on the parts of a
// file that passed the schema (ZoneParts), so a bad field hides none of these problems.
import { closeSync } from "node:fs";
import type { ZoneConfig, ZoneParts } from "../config/zone-config.js";
import type { DeviceConfig } from "../config/devices.js";
import { virtioSlotCount } from "../config/virtio-slots.js";
import { formatSize } from "../config/size.js";
import { WASM_PAGE } from "../engine/zone-block.js";
import type { Arch } from "../engine/arch.js";
import { maxZoneMemory, type Engine, type PayloadFormat } from "../engine/engine.js";
import { engineFor } from "../engine/registry.js";
import { BootError } from "../engine/boot-error.js";
import { openDiskImage } from "../host/block-file.js";
import { openTap } from "../host/tap.js";
import { userFileHead, UserFileError } from "../host/user-file.js";
import { imageLimit } from "./zone.js";

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
function imageHead(engine: Engine, path: string, what: string, memBytes: number | undefined): { head: Uint8Array; size: number } | string {
  try {
    return userFileHead(path, imageLimit(memBytes ?? maxZoneMemory(engine)), engine.payloadHeadBytes);
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    const fix = e.problem === "size" ? `use a smaller ${what} or give the zone more memory` : FIX[e.problem];
    return `cannot read ${what} ${path}: ${e.reason}: ${fix}`;
  }
}

function memoryProblem(engine: Engine, memBytes: number): string | undefined {
  if (memBytes % WASM_PAGE !== 0) {
    return `${formatSize(memBytes)} is not a multiple of 64K: round it, e.g. to ${formatSize(Math.ceil(memBytes / WASM_PAGE) * WASM_PAGE)}`;
  }
  const max = maxZoneMemory(engine);
  if (memBytes > max) return `${formatSize(memBytes)} is more than a zone can have: use at most ${Math.floor(max / 1024 ** 2)}M`;
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
  // Memory rules and the payload are the engine's: with no valid arch, the schema's refusal says it all.
  if (c.arch === undefined) return c.devices ? deviceProblems(c.devices) : out;
  const engine = engineFor(c.arch);
  const mem = c.memBytes !== undefined ? memoryProblem(engine, c.memBytes) : undefined;
  if (mem) add("zone.memory", mem);
  const memBytes = c.memBytes !== undefined && !mem ? c.memBytes : undefined;
  const k = c.kernel !== undefined ? imageHead(engine, c.kernel, "kernel", memBytes) : undefined;
  if (typeof k === "string") add("boot.kernel", k);
  const i = c.initrd !== undefined ? imageHead(engine, c.initrd, "initrd", memBytes) : undefined;
  if (typeof i === "string") add("boot.initrd", i);
  if (c.devices) out.push(...deviceProblems(c.devices));
  if (k === undefined || typeof k === "string" || [...bad].some((f) => f.startsWith("boot."))) return out;
  try {
    const payload = engine.describePayload(k.head, k.size, c.kernel!, { format: c.format, loadAddr: c.loadAddr, entry: c.entry });
    // Where the payload, initrd and device tree go needs everything: only a whole config gets here.
    if (typeof i === "string" || memBytes === undefined || c.cpus === undefined || bad.size) return out;
    engine.planBoot({ zone: c.name ?? "", file: c.kernel!, cpus: c.cpus, memBytes, cmdline: c.cmdline ?? "",
      initrdLen: i?.size, virtioSlots: virtioSlotCount(c.devices ?? []) }, payload);
  } catch (e) {
    if (!(e instanceof BootError)) throw e;
    add(e.field, e.message);
  }
  return out;
}

/** How a kernel file reads for `arch`, as a zone start tells it (Image, ELF, raw binary); undefined when it cannot be read or is no payload. */
export function kernelFormat(path: string, arch: Arch): PayloadFormat | undefined {
  const engine = engineFor(arch);
  const k = imageHead(engine, path, "kernel", undefined);
  if (typeof k === "string") return undefined;
  try {
    return engine.describePayload(k.head, k.size, path).format;
  } catch (e) {
    if (e instanceof BootError) return undefined;
    throw e;
  }
}

/** Every problem found, each as "file: field: what to fix". Empty when the zone can boot. */
export function preflightZone(c: ZoneConfig): string[] {
  return preflightProblems(c).map((p) => `${c.file}: ${p.field}: ${p.message}`);
}
