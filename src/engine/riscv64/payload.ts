// What a zone boots: a Linux `Image`, an ELF executable or a raw binary, told apart by their
// contents (or by `format`). Each becomes the same thing: the guest-physical regions it occupies,
// where each gets its bytes from the file, and the entry point — so placing the device tree and
// the initrd, and refusing collisions, is one rule for every format (planBoot in loader.ts).
import { HEADER_SIZE, parseImageHeader } from "./loader.js";
import { BootError } from "../boot-error.js";
import { MACHINE } from "./machine.js";
import type { Payload, PayloadFormat, PayloadOptions } from "../engine.js";
import { describeElf, describeRaw, isElf, PAYLOAD_HEAD_BYTES, refuseOtherArch } from "../payload-formats.js";

export { PAYLOAD_HEAD_BYTES };

const RISCV_ELF = { arch: "riscv64", machine: 243, name: "EM_RISCV" };

function isImage(head: Uint8Array): boolean {
  if (head.length < HEADER_SIZE) return false;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return dv.getUint32(56, true) === 0x05435352 || dv.getBigUint64(48, true) === 0x5643534952n;
}

/** Tell what `head` (the file's first bytes, or all of it) is and where it goes. */
export function describePayload(head: Uint8Array, fileSize: number, file: string, o: PayloadOptions = {}): Payload {
  const choice = o.format ?? "auto";
  refuseOtherArch(head, "riscv64", file, choice);
  const elf = isElf(head);
  const format: PayloadFormat = choice !== "auto" ? choice : isImage(head) ? "image" : elf ? "elf" : "raw";
  if (format === "image") {
    const hdr = parseImageHeader(head, file, fileSize);
    const start = MACHINE.ramBase + hdr.textOffset;
    return { format, entry: start, regions: [{ name: "kernel Image", start, end: start + hdr.imageSize, fileOff: 0, fileLen: fileSize }] };
  }
  if (format === "elf") {
    if (!elf) throw new BootError(`${file}: format = "elf", but the file does not start with the ELF magic`);
    return describeElf(head, fileSize, file, RISCV_ELF);
  }
  return describeRaw(head, fileSize, file, choice, o.loadAddr ?? MACHINE.rawLoadAddr, o.entry);
}
