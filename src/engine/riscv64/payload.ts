// What a zone boots: a Linux `Image`, an ELF executable or a raw binary, told apart by their
// contents (or by `format`). Each becomes the same thing: the guest-physical regions it occupies,
// where each gets its bytes from the file, and the entry point — so placing the device tree and
// the initrd, and refusing collisions, is one rule for every format (planBoot in loader.ts).
import { HEADER_SIZE, parseImageHeader } from "./loader.js";
import { BootError } from "../boot-error.js";
import { MACHINE } from "./machine.js";
import type { Payload, PayloadFormat, PayloadOptions, PayloadRegion } from "../engine.js";

/** How much of the file the describer needs at most (headers and ELF program headers). */
export const PAYLOAD_HEAD_BYTES = 64 * 1024;

const ELF_MAGIC = 0x7f454c46;
const EM_RISCV = 243;
const PT_LOAD = 1;
const ET = ["ET_NONE", "ET_REL (an object file: link it)", "ET_EXEC", "ET_DYN (position-independent: link it at a fixed address)", "ET_CORE (a core dump)"];
const hex = (n: number) => `0x${n.toString(16)}`;

function isImage(head: Uint8Array): boolean {
  if (head.length < HEADER_SIZE) return false;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return dv.getUint32(56, true) === 0x05435352 || dv.getBigUint64(48, true) === 0x5643534952n;
}

/** Files that are certainly no payload (a raw binary would otherwise take anything). */
function notAPayload(head: Uint8Array): string | undefined {
  const starts = (...b: number[]) => b.every((v, i) => head[i] === v);
  if (head.length === 0) return "the file is empty";
  if (starts(0x1f, 0x8b)) return "it is gzip-compressed: decompress it first";
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "it is xz-compressed: decompress it first";
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return "it is zstd-compressed: decompress it first";
  if (starts(0x27, 0x05, 0x19, 0x56)) return "it is a U-Boot legacy uImage: pass the image inside it (mkimage -l shows it)";
  if (starts(0x4d, 0x5a)) return "it is a PE/EFI executable: zones boot Image, ELF or raw binaries";
  const sample = head.subarray(0, 512);
  if (sample.length >= 16 && sample.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))) {
    return "it looks like a text file";
  }
  return undefined;
}

function describeElf(head: Uint8Array, fileSize: number, file: string): Payload {
  const bad = (why: string) => new BootError(`${file}: not an ELF executable this zone can boot: ${why}`);
  if (head.length < 64) throw bad("the ELF header is cut short");
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head[4] !== 2) throw bad(`it is a ${head[4] === 1 ? "32-bit (ELFCLASS32)" : `class ${head[4]}`} ELF file; riscv64 zones need ELFCLASS64`);
  if (head[5] !== 1) throw bad("it is big-endian; RISC-V is little-endian");
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) throw bad(`it is built for machine ${machine} (EM_RISCV is ${EM_RISCV}): use a riscv64 build`);
  if (type !== 2) throw bad(`it is of type ${ET[type] ?? type}, not an executable (ET_EXEC)`);
  const entry = Number(dv.getBigUint64(24, true));
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phentsize !== 56) throw bad(`program header entries are ${phentsize} bytes, ELF64 has 56`);
  if (phoff + phnum * 56 > head.length) {
    throw bad(`its program headers end at byte ${phoff + phnum * 56}, beyond the first ${head.length} bytes read`);
  }
  const regions: PayloadRegion[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * 56;
    if (dv.getUint32(o, true) !== PT_LOAD) continue;
    const off = Number(dv.getBigUint64(o + 8, true));
    const paddr = Number(dv.getBigUint64(o + 24, true));
    const filesz = Number(dv.getBigUint64(o + 32, true));
    const memsz = Number(dv.getBigUint64(o + 40, true));
    const name = `ELF segment ${i} (PT_LOAD at ${hex(paddr)}, ${memsz} bytes)`;
    if (memsz === 0) continue;
    if (filesz > memsz) throw bad(`${name}: its file size ${filesz} is larger than its memory size`);
    if (off + filesz > fileSize) throw bad(`${name}: its bytes [${off}, ${off + filesz}) lie beyond the end of the file (${fileSize} bytes)`);
    regions.push({ name, start: paddr, end: paddr + memsz, fileOff: off, fileLen: filesz });
  }
  if (!regions.length) throw bad("it has no PT_LOAD segment");
  return { format: "elf", entry, regions };
}

/** Tell what `head` (the file's first bytes, or all of it) is and where it goes. */
export function describePayload(head: Uint8Array, fileSize: number, file: string, o: PayloadOptions = {}): Payload {
  const choice = o.format ?? "auto";
  const elf = head.length >= 4 && new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false) === ELF_MAGIC;
  const format: PayloadFormat = choice !== "auto" ? choice : isImage(head) ? "image" : elf ? "elf" : "raw";
  if (format === "image") {
    const hdr = parseImageHeader(head, file, fileSize);
    const start = MACHINE.ramBase + hdr.textOffset;
    return { format, entry: start, regions: [{ name: "kernel Image", start, end: start + hdr.imageSize, fileOff: 0, fileLen: fileSize }] };
  }
  if (format === "elf") {
    if (!elf) throw new BootError(`${file}: format = "elf", but the file does not start with the ELF magic`);
    return describeElf(head, fileSize, file);
  }
  if (choice === "auto") {
    const why = notAPayload(head);
    if (why) throw new BootError(`${file}: not a Linux Image, an ELF executable or a raw binary: ${why}`);
  }
  if (fileSize === 0) throw new BootError(`${file}: the file is empty`);
  const start = o.loadAddr ?? MACHINE.rawLoadAddr;
  return { format, entry: o.entry ?? start, regions: [{ name: "raw binary", start, end: start + fileSize, fileOff: 0, fileLen: fileSize }] };
}
