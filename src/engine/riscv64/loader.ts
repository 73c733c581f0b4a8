// Loading a RISC-V Linux `Image` (see the kernel's Documentation/riscv/boot-image-header.rst),
// an initramfs and the device tree into a zone's RAM, with QEMU-like placement rules.

export class BootError extends Error {}

export interface ImageHeader {
  textOffset: number; // load offset from the start of RAM
  imageSize: number; // memory the kernel occupies incl. bss (0 in very old images)
  version: number;
}

export const HEADER_SIZE = 64;
const MAGIC2 = 0x05435352; // "RSC\x05"
const MAGIC_LE = 0x5643534952n; // "RISCV\0\0\0" (deprecated but still written)
const MIB = 1024 * 1024;

/** `img` may be just the first 64 bytes when `fileSize` gives the whole file's size. */
export function parseImageHeader(img: Uint8Array, file: string, fileSize = img.length): ImageHeader {
  if (img.length < HEADER_SIZE) {
    throw new BootError(`${file}: not a RISC-V Linux Image (only ${img.length} bytes, the header alone is 64)`);
  }
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  const magic = dv.getBigUint64(48, true);
  const magic2 = dv.getUint32(56, true);
  if (magic2 !== MAGIC2 && magic !== MAGIC_LE) {
    const hint = dv.getUint32(0, false) === 0x7f454c46 ? " (it is an ELF file: pass arch/riscv/boot/Image, not vmlinux)"
      : img[0] === 0x1f && img[1] === 0x8b ? " (it is gzip-compressed: pass the uncompressed Image)" : "";
    throw new BootError(`${file}: not a RISC-V Linux Image: header magic "RSC\\x05" not found at offset 56${hint}`);
  }
  const textOffset = Number(dv.getBigUint64(8, true));
  const imageSize = Number(dv.getBigUint64(16, true));
  if (textOffset % 4096 !== 0 || textOffset > 64 * MIB) {
    throw new BootError(`${file}: implausible text_offset 0x${textOffset.toString(16)} in the Image header`);
  }
  return { textOffset, imageSize: Math.max(imageSize, fileSize), version: dv.getUint32(32, true) };
}

export interface BootLayout {
  kernelAddr: number;
  kernelEnd: number;
  initrdStart?: number;
  initrdEnd?: number;
  dtbAddr: number;
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;
const alignDown = (v: number, a: number) => Math.floor(v / a) * a;

/**
 * Kernel at RAM + text_offset; initrd 2 MiB-aligned after the kernel's footprint (with room to
 * spare for early allocations); DTB at the top of RAM. Throws when it does not fit.
 */
export function planLayout(ramBase: number, ramSize: number, hdr: ImageHeader, initrdLen: number | undefined,
  dtbLen: number, zone: string): BootLayout {
  const kernelAddr = ramBase + hdr.textOffset;
  const kernelEnd = kernelAddr + hdr.imageSize;
  const ramEnd = ramBase + ramSize;
  const dtbAddr = alignDown(ramEnd - dtbLen - 64, 4096);
  let initrdStart: number | undefined;
  let initrdEnd: number | undefined;
  let need = kernelEnd;
  if (initrdLen !== undefined) {
    initrdStart = alignUp(kernelEnd, 2 * MIB) + 2 * MIB;
    initrdEnd = initrdStart + initrdLen;
    need = initrdEnd;
  }
  // The kernel needs working memory beyond what it occupies; 16 MiB is a floor, not a promise.
  const slack = 16 * MIB;
  if (need + slack > dtbAddr) {
    const needMiB = Math.ceil((need + slack - ramBase + dtbLen) / MIB);
    throw new BootError(`zone ${zone}: too little memory for kernel${initrdLen !== undefined ? " + initrd" : ""}: ` +
      `needs at least ${needMiB} MiB, the zone has ${Math.floor(ramSize / MIB)} MiB (raise --mem / memory)`);
  }
  return { kernelAddr, kernelEnd, initrdStart, initrdEnd, dtbAddr };
}
