// The arm64 Linux `Image` header (the kernel's Documentation/arch/arm64/booting.rst, "Call the
// kernel image"): 64 bytes at the start of the file, little-endian:
//   0x00 code0, code1 (u32 each)   0x08 text_offset (u64)   0x10 image_size (u64)   0x18 flags (u64)
//   0x20..0x37 reserved            0x38 magic "ARM\x64"      0x3c PE header offset (EFI stub)
// The kernel goes text_offset bytes above a 2 MiB-aligned base; image_size counts its bss too.
import { BootError } from "../boot-error.js";

export const IMAGE_HEADER_SIZE = 64;
const MAGIC = 0x644d5241; // "ARM\x64", little-endian
const MIB = 1024 * 1024;
/** Kernels before 3.17 leave image_size 0; their text_offset is 0x80000 whatever the header says (booting.rst). */
const OLD_TEXT_OFFSET = 0x80000;

export type PageSizeFlag = "unspecified" | "4K" | "16K" | "64K";

export interface Arm64ImageHeader {
  /** Offset of the kernel above a 2 MiB-aligned base of RAM. */
  textOffset: number;
  /** Bytes the kernel occupies in memory, bss included (at least the file's size). */
  imageSize: number;
  /** flags bit 0: a big-endian kernel (tsvisor's guests run little-endian). */
  bigEndian: boolean;
  /** flags bits 1-2: the kernel's page size. */
  pageSize: PageSizeFlag;
  /** flags bit 3: the 2 MiB-aligned base may be anywhere in RAM (else as low as possible). */
  placeAnywhere: boolean;
}

export function isArm64Image(head: Uint8Array): boolean {
  return head.length >= IMAGE_HEADER_SIZE && new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0x38, true) === MAGIC;
}

/** `head` may be just the file's first 64 bytes when `fileSize` gives the whole file's size. */
export function parseArm64Image(head: Uint8Array, file: string, fileSize = head.length): Arm64ImageHeader {
  if (head.length < IMAGE_HEADER_SIZE) {
    throw new BootError(`${file}: not an arm64 Linux Image (only ${head.length} bytes, the header alone is 64)`);
  }
  if (!isArm64Image(head)) {
    const hint = head[0] === 0x7f && head[1] === 0x45 ? " (it is an ELF file: pass arch/arm64/boot/Image, not vmlinux)"
      : head[0] === 0x1f && head[1] === 0x8b ? " (it is gzip-compressed, like Image.gz: pass the uncompressed Image)" : "";
    throw new BootError(`${file}: not an arm64 Linux Image: header magic "ARM\\x64" not found at offset 0x38${hint}`);
  }
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const imageSize = Number(dv.getBigUint64(0x10, true));
  const flags = Number(dv.getBigUint64(0x18, true) & 0xffffn);
  const textOffset = imageSize === 0 ? OLD_TEXT_OFFSET : Number(dv.getBigUint64(0x08, true));
  if (textOffset % 4096 !== 0 || textOffset >= 2 * MIB) {
    throw new BootError(`${file}: implausible text_offset 0x${textOffset.toString(16)} in the arm64 Image header (a 4 KiB multiple below 2 MiB)`);
  }
  if (flags & 1) throw new BootError(`${file}: it is a big-endian arm64 kernel (Image flags bit 0): arm64 zones run little-endian kernels`);
  const pageSize = (["unspecified", "4K", "16K", "64K"] as const)[(flags >> 1) & 3]!;
  return { textOffset, imageSize: Math.max(imageSize, fileSize), bigEndian: false, pageSize, placeAnywhere: (flags & 8) !== 0 };
}
