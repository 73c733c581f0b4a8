// Where a zone's payload, initramfs and device tree go in its RAM, with QEMU-like placement rules,
// for every engine: the payload's regions where its description says (../engine.ts Payload), the
// device tree at the top of RAM, the initrd after the payload; refusing what does not fit.
import type { BootPlan, BootRequest, Payload } from "./engine.js";
import { BootError } from "./boot-error.js";

const MIB = 1024 * 1024;

export interface BootLayout {
  entry: number;
  initrdStart?: number;
  initrdEnd?: number;
  dtbAddr: number;
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;
const alignDown = (v: number, a: number) => Math.floor(v / a) * a;
const hex = (n: number) => `0x${n.toString(16)}`;
/** QEMU virt keeps the device tree below 3 GiB, where 32-bit-minded early code can reach it. */
const DTB_CEILING = 0xc0000000;

/**
 * The payload's regions where the file says; the DTB 2 MiB-aligned at the top of RAM (below
 * 3 GiB), as QEMU virt places it; the initrd 2 MiB-aligned after the payload's highest region,
 * with room to spare for early allocations. Throws when anything falls outside RAM or collides.
 */
export function planBoot(ramBase: number, ramSize: number, p: Payload, initrdLen: number | undefined,
  dtbLen: number, zone: string, file: string): BootLayout {
  const ramEnd = ramBase + ramSize;
  const span = (a: number, b: number) => `[${hex(a)}, ${hex(b)})`;
  const regions = [...p.regions].sort((a, b) => a.start - b.start);
  for (const [i, r] of regions.entries()) {
    if (r.start < ramBase) {
      throw new BootError(`zone ${zone}: ${file}: ${r.name} ${span(r.start, r.end)} lies below the zone's RAM, which starts at ${hex(ramBase)}: link it for RAM at ${hex(ramBase)}`);
    }
    if (r.end > ramEnd) {
      throw new BootError(`zone ${zone}: ${file}: ${r.name} ${span(r.start, r.end)} lies beyond the zone's RAM ${span(ramBase, ramEnd)}: ` +
        `give the zone at least ${Math.ceil((r.end - ramBase) / MIB)} MiB of memory`, "zone.memory");
    }
    const next = regions[i + 1];
    if (next && next.start < r.end) throw new BootError(`zone ${zone}: ${file}: ${r.name} and ${next.name} overlap`);
  }
  if (!regions.some((r) => p.entry >= r.start && p.entry < r.end)) {
    throw new BootError(`zone ${zone}: ${file}: the entry point ${hex(p.entry)} is outside what is loaded ` +
      `(${regions.map((r) => span(r.start, r.end)).join(", ")})`);
  }
  const top = regions[regions.length - 1].end;
  let dtbAddr = alignDown(Math.min(ramEnd, Math.max(DTB_CEILING, ramBase + dtbLen)) - dtbLen, 2 * MIB);
  let limit = dtbAddr; // what goes after the payload (initrd, a kernel's working memory) ends below this
  if (dtbAddr < top && regions[0].start - dtbLen >= ramBase) {
    // The payload reaches the top of RAM: the device tree goes right below it instead.
    dtbAddr = alignDown(regions[0].start - dtbLen, 4096);
    limit = ramEnd;
  }
  const hit = regions.find((r) => r.start < dtbAddr + dtbLen && r.end > dtbAddr);
  if (hit) {
    throw new BootError(`zone ${zone}: ${file}: ${hit.name} ${span(hit.start, hit.end)} overlaps where the device tree goes ` +
      `${span(dtbAddr, dtbAddr + dtbLen)} (the top of RAM, as on QEMU virt): give the zone more memory`, "zone.memory");
  }
  let initrdStart: number | undefined;
  let initrdEnd: number | undefined;
  let need = top;
  if (initrdLen !== undefined) {
    initrdStart = alignUp(top, 2 * MIB) + 2 * MIB;
    initrdEnd = initrdStart + initrdLen;
    need = initrdEnd;
  }
  // A Linux kernel needs working memory beyond what it occupies; 16 MiB is a floor, not a promise.
  const slack = p.format === "image" ? 16 * MIB : 0;
  if (need + slack > limit) {
    const needMiB = Math.ceil((need + slack - ramBase + dtbLen) / MIB);
    const what = p.format === "image" ? "kernel" : p.format === "elf" ? "the ELF image" : "the raw binary";
    throw new BootError(`zone ${zone}: too little memory for ${what}${initrdLen !== undefined ? " + initrd" : ""}: ` +
      `needs at least ${needMiB} MiB, the zone has ${Math.floor(ramSize / MIB)} MiB (raise --mem / memory)`, "zone.memory");
  }
  return { entry: p.entry, initrdStart, initrdEnd, dtbAddr };
}

/**
 * An engine's BootPlan: placement by planBoot and the device tree `dtbOf` builds for the zone.
 * The tree's size decides where things go, and holds where the initrd went: a probe with a
 * stand-in initrd is as long as the real one.
 */
export function planWithDtb(z: BootRequest, payload: Payload, ramBase: number,
  dtbOf: (initrd?: { start: number; end: number }) => Uint8Array): BootPlan {
  const probe = dtbOf(z.initrdLen !== undefined ? { start: ramBase, end: ramBase + 1 } : undefined);
  const layout = planBoot(ramBase, z.memBytes, payload, z.initrdLen, probe.length, z.zone, z.file);
  const initrd = layout.initrdStart !== undefined ? { start: layout.initrdStart, end: layout.initrdEnd! } : undefined;
  return { payload, initrd, dtb: dtbOf(initrd), dtbAddr: layout.dtbAddr };
}
