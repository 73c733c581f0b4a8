// What every engine's payload describer shares (riscv64/payload.ts, aarch64/payload.ts): refusing
// a kernel for another architecture or a file that is surely no payload, and reading an ELF
// executable's PT_LOAD segments. Each engine adds its own Linux Image header and placement.
import { BootError } from "./boot-error.js";
import { wrongArchMessage } from "./kernel-arch.js";
import type { FormatChoice } from "../config/zone-config.js";
import type { Payload, PayloadFormat, PayloadOptions, PayloadRegion } from "./engine.js";

/** How much of the file the describers need at most (headers and ELF program headers). */
export const PAYLOAD_HEAD_BYTES = 64 * 1024;

const ELF_MAGIC = 0x7f454c46;
const PT_LOAD = 1;
const ET = ["ET_NONE", "ET_REL (an object file: link it)", "ET_EXEC", "ET_DYN (position-independent: link it at a fixed address)", "ET_CORE (a core dump)"];
const hex = (n: number) => `0x${n.toString(16)}`;

function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false) === ELF_MAGIC;
}

/** Throws when the file's header says it is for another architecture than `arch` (a forced raw binary is never checked). */
function refuseOtherArch(head: Uint8Array, arch: string, file: string, choice: FormatChoice): void {
  if (choice === "raw") return;
  const wrong = wrongArchMessage(head, arch, file);
  if (wrong) throw new BootError(wrong);
}

/** Files that are certainly no payload (a raw binary would otherwise take anything). */
export function notAPayload(head: Uint8Array): string | undefined {
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

/** The ELF machine an engine runs: its zone file name and e_machine. */
export interface ElfMachine {
  arch: string;
  machine: number;
  /** The e_machine constant's name, for messages ("EM_RISCV"). */
  name: string;
}

/** A little-endian ELF64 executable's PT_LOAD segments at their physical addresses, and its entry. */
export function describeElf(head: Uint8Array, fileSize: number, file: string, m: ElfMachine): Payload {
  const bad = (why: string) => new BootError(`${file}: not an ELF executable this zone can boot: ${why}`);
  if (head.length < 64) throw bad("the ELF header is cut short");
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head[4] !== 2) throw bad(`it is a ${head[4] === 1 ? "32-bit (ELFCLASS32)" : `class ${head[4]}`} ELF file; ${m.arch} zones need ELFCLASS64`);
  if (head[5] !== 1) throw bad(`it is big-endian; ${m.arch} zones run little-endian`);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== m.machine) throw bad(`it is built for machine ${machine} (${m.name} is ${m.machine}): use a ${m.arch} build`);
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

/** A raw binary at `start` (refused in auto mode when it surely is no payload). */
function describeRaw(head: Uint8Array, fileSize: number, file: string, choice: FormatChoice, start: number, entry?: number): Payload {
  if (choice === "auto") {
    const why = notAPayload(head);
    if (why) throw new BootError(`${file}: not a Linux Image, an ELF executable or a raw binary: ${why}`);
  }
  if (fileSize === 0) throw new BootError(`${file}: the file is empty`);
  return { format: "raw", entry: entry ?? start, regions: [{ name: "raw binary", start, end: start + fileSize, fileOff: 0, fileLen: fileSize }] };
}

/** What tells an engine's payloads apart: its ELF machine, its Linux Image header, its raw load address. */
export interface PayloadRules {
  elf: ElfMachine;
  isImage(head: Uint8Array): boolean;
  /** The Linux Image's regions and entry (the header parsed; throws BootError when it is bad). */
  image(head: Uint8Array, fileSize: number, file: string): Payload;
  rawLoadAddr: number;
}

/** Tell what `head` (the file's first bytes, or all of it) is for an engine with `rules`, and where it goes. */
export function describeWith(rules: PayloadRules, head: Uint8Array, fileSize: number, file: string, o: PayloadOptions = {}): Payload {
  const choice = o.format ?? "auto";
  refuseOtherArch(head, rules.elf.arch, file, choice);
  const elf = isElf(head);
  const format: PayloadFormat = choice !== "auto" ? choice : rules.isImage(head) ? "image" : elf ? "elf" : "raw";
  if (format === "image") return rules.image(head, fileSize, file);
  if (format === "elf") {
    if (!elf) throw new BootError(`${file}: format = "elf", but the file does not start with the ELF magic`);
    return describeElf(head, fileSize, file, rules.elf);
  }
  return describeRaw(head, fileSize, file, choice, o.loadAddr ?? rules.rawLoadAddr, o.entry);
}
