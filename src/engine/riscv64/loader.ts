// The RISC-V Linux `Image` header (the kernel's Documentation/riscv/boot-image-header.rst); where
// a payload, its initramfs and the device tree go is ../boot-plan.ts's.
import { BootError } from "../boot-error.js";

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
