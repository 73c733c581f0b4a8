// What an arm64 zone boots: an arm64 Linux `Image` (image.ts), an AArch64 ELF executable or a
// raw binary, each as the guest-physical regions it occupies and its entry point (engine.ts Payload).
import type { Payload, PayloadOptions } from "../engine.js";
import { describeWith, type PayloadRules } from "../payload-formats.js";
import { isArm64Image, parseArm64Image } from "./image.js";
import { MACHINE } from "./machine.js";

const RULES: PayloadRules = {
  elf: { arch: "aarch64", machine: 183, name: "EM_AARCH64" },
  isImage: isArm64Image,
  image(head, fileSize, file) {
    const hdr = parseArm64Image(head, file, fileSize);
    // The lowest 2 MiB-aligned base, whatever the placement flag says: RAM starts 2 MiB-aligned.
    const start = MACHINE.ramBase + hdr.textOffset;
    return { format: "image", entry: start, regions: [{ name: "kernel Image", start, end: start + hdr.imageSize, fileOff: 0, fileLen: fileSize }] };
  },
  rawLoadAddr: MACHINE.rawLoadAddr,
};

export function describePayload(head: Uint8Array, fileSize: number, file: string, o: PayloadOptions = {}): Payload {
  return describeWith(RULES, head, fileSize, file, o);
}
