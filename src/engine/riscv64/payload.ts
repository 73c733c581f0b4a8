// What a zone boots: a Linux `Image`, an ELF executable or a raw binary, told apart by their
// contents (or by `format`). Each becomes the same thing: the guest-physical regions it occupies,
// where each gets its bytes from the file, and the entry point — so placing the device tree and
// the initrd, and refusing collisions, is one rule for every format (planBoot in ../boot-plan.ts).
import { HEADER_SIZE, parseImageHeader } from "./loader.js";
import { MACHINE } from "./machine.js";
import type { Payload, PayloadOptions } from "../engine.js";
import { describeWith, PAYLOAD_HEAD_BYTES, type PayloadRules } from "../payload-formats.js";

export { PAYLOAD_HEAD_BYTES };

function isImage(head: Uint8Array): boolean {
  if (head.length < HEADER_SIZE) return false;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return dv.getUint32(56, true) === 0x05435352 || dv.getBigUint64(48, true) === 0x5643534952n;
}

const RULES: PayloadRules = {
  elf: { arch: "riscv64", machine: 243, name: "EM_RISCV" },
  isImage,
  image(head, fileSize, file) {
    const hdr = parseImageHeader(head, file, fileSize);
    const start = MACHINE.ramBase + hdr.textOffset;
    return { format: "image", entry: start, regions: [{ name: "kernel Image", start, end: start + hdr.imageSize, fileOff: 0, fileLen: fileSize }] };
  },
  rawLoadAddr: MACHINE.rawLoadAddr,
};

/** Tell what `head` (the file's first bytes, or all of it) is and where it goes. */
export function describePayload(head: Uint8Array, fileSize: number, file: string, o: PayloadOptions = {}): Payload {
  return describeWith(RULES, head, fileSize, file, o);
}
