// `[[device]]` tables of a zone config: virtio devices on the zone's virtio-mmio slots.
//
//   [[device]]                    [[device]]                 [[device]]      [[device]]
//   type = "blk"                  type = "net"               type = "console" type = "rng"
//   path = "disk.img"             tap = "tap0"
//   readonly = false              mac = "02:00:00:00:00:01"
//   serial = "data"               slot = 1  (optional everywhere: the first free slot)
import { createHash } from "node:crypto";
import { z } from "zod";
import type { FieldChecker } from "./field-check.js";

import { VIRTIO_SLOTS } from "./virtio-slots.js";
export { VIRTIO_SLOTS, virtioSlotCount } from "./virtio-slots.js";

const slot = z.number().int().min(0).max(VIRTIO_SLOTS - 1).optional();
/** An interface name the kernel takes: IFNAMSIZ (16) less the NUL, no '/', ':' or spaces. */
export const TAP_NAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

export const deviceSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("blk"),
    path: z.string().min(1, "give the disk image's path"),
    readonly: z.boolean().default(false),
    serial: z.string().max(20, "use at most 20 characters (the virtio-blk ID field)").optional(),
    slot,
  }).strict(),
  z.object({
    type: z.literal("net"),
    tap: z.string().regex(TAP_NAME_RE, "use 1-15 letters, digits, '.', '_' or '-' (Linux interface names are at most 15 characters)"),
    mac: z.string().regex(MAC_RE, 'write the MAC as six hex pairs, e.g. "02:00:00:00:00:01"')
      .refine((m) => (parseInt(m.slice(0, 2), 16) & 1) === 0,
        (m) => ({ message: `"${m}" is a multicast MAC (odd first byte), which a NIC cannot have: use an even first byte, e.g. 02` }))
      .optional(),
    slot,
  }).strict(),
  z.object({ type: z.literal("console"), slot }).strict(),
  z.object({ type: z.literal("rng"), slot }).strict(),
], { errorMap: (issue, ctx) => issue.code === "invalid_union_discriminator"
  ? { message: 'type must be one of "blk", "net", "console", "rng"' } : { message: ctx.defaultError } });

const TOO_MANY = `at most ${VIRTIO_SLOTS} devices (one per virtio slot): remove some`;

/** Two devices on one slot, or one TAP twice. Entries that did not parse are holes (undefined). */
function checkDeviceList(list: readonly (DeviceEntry | undefined)[], ctx: z.RefinementCtx): void {
  const slots = new Map<number, number>();
  const taps = new Map<string, number>();
  list.forEach((d, i) => {
    if (d === undefined) return;
    if (d.slot !== undefined) {
      const other = slots.get(d.slot);
      if (other !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, "slot"],
          message: `slot ${d.slot} is already used by device ${other}: pick another slot or drop "slot" to get a free one` });
      }
      slots.set(d.slot, i);
    }
    if (d.type === "net") {
      const other = taps.get(d.tap);
      if (other !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, "tap"],
          message: `TAP ${d.tap} is already used by device ${other}: give each network device its own TAP` });
      }
      taps.set(d.tap, i);
    }
  });
}

export const devicesSchema = z.array(deviceSchema).max(VIRTIO_SLOTS, TOO_MANY).superRefine(checkDeviceList);

/**
 * The [[device]] tables of a file, each checked on its own (see field-check.ts): the entries
 * that passed, with their index in the file, and the list rules over them.
 */
export function checkDevices(fc: FieldChecker): { index: number; entry: DeviceEntry }[] {
  const raw = (fc.root as Record<string, unknown>).device;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    fc.add(["device"], "write devices as [[device]] tables (see docs/config.md)");
    return [];
  }
  if (raw.length > VIRTIO_SLOTS) fc.add(["device"], `${raw.length} devices: ${TOO_MANY}`);
  const list = raw.map((_, i) => fc.variant(deviceSchema, ["device", i]) as DeviceEntry | undefined);
  fc.rule(list, ["device"], checkDeviceList);
  return list.flatMap((entry, index) => (entry && !fc.failed("device", index) ? [{ index, entry }] : []));
}

export type DeviceEntry = z.infer<typeof deviceSchema>;

/**
 * A validated device with its slot decided and paths resolved. `index`: its place among the
 * file's [[device]] tables, for messages (absent: its place in the list).
 */
export type DeviceConfig = { index?: number } & (
  | { type: "blk"; slot: number; path: string; readonly: boolean; serial: string }
  | { type: "net"; slot: number; tap: string; mac: string }
  | { type: "console"; slot: number }
  | { type: "rng"; slot: number });

/** A stable, locally administered MAC for a zone's NIC when the config names none. */
export function defaultMac(zone: string, slot: number): string {
  const h = createHash("sha256").update(`${zone}/${slot}`).digest();
  const b = [0x02, 0x74, h[0], h[1], h[2], h[3]]; // 02:74 = locally administered, unicast
  return b.map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/**
 * Give every device a slot (explicit ones first, the rest in order into free slots) and resolve
 * image paths with `resolvePath`. Input must have passed devicesSchema.
 */
export function assignSlots(zone: string, list: readonly { index: number; entry: DeviceEntry }[], resolvePath: (p: string) => string): DeviceConfig[] {
  const used = new Set(list.flatMap(({ entry: d }) => (d.slot === undefined ? [] : [d.slot])));
  let next = 0;
  return list.map(({ index, entry: d }) => {
    let s = d.slot;
    if (s === undefined) {
      while (used.has(next)) next++;
      s = next;
      used.add(s);
    }
    switch (d.type) {
      case "blk": return { index, type: "blk", slot: s, path: resolvePath(d.path), readonly: d.readonly, serial: d.serial ?? `tsvisor${s}` };
      case "net": return { index, type: "net", slot: s, tap: d.tap, mac: (d.mac ?? defaultMac(zone, s)).toLowerCase() };
      case "console": return { index, type: "console", slot: s };
      case "rng": return { index, type: "rng", slot: s };
    }
  });
}
