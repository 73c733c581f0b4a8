// What an arm64 zone boots: an arm64 Linux `Image` (image.ts), an AArch64 ELF executable or a
// raw binary, each as the guest-physical regions it occupies and its entry point (engine.ts Payload).
import { BootError } from "../boot-error.js";
import type { Payload, PayloadFormat, PayloadOptions } from "../engine.js";
import { describeElf, describeRaw, isElf, refuseOtherArch } from "../payload-formats.js";
import { isArm64Image, parseArm64Image } from "./image.js";
import { MACHINE } from "./machine.js";

const AARCH64_ELF = { arch: "aarch64", machine: 183, name: "EM_AARCH64" };

export function describePayload(head: Uint8Array, fileSize: number, file: string, o: PayloadOptions = {}): Payload {
  const choice = o.format ?? "auto";
  refuseOtherArch(head, "aarch64", file, choice);
  const elf = isElf(head);
  const format: PayloadFormat = choice !== "auto" ? choice : isArm64Image(head) ? "image" : elf ? "elf" : "raw";
  if (format === "image") {
    const hdr = parseArm64Image(head, file, fileSize);
    // The lowest 2 MiB-aligned base, whatever the placement flag: RAM starts 2 MiB-aligned.
    const start = MACHINE.ramBase + hdr.textOffset;
    return { format, entry: start, regions: [{ name: "kernel Image", start, end: start + hdr.imageSize, fileOff: 0, fileLen: fileSize }] };
  }
  if (format === "elf") {
    if (!elf) throw new BootError(`${file}: format = "elf", but the file does not start with the ELF magic`);
    return describeElf(head, fileSize, file, AARCH64_ELF);
  }
  return describeRaw(head, fileSize, file, choice, o.loadAddr ?? MACHINE.rawLoadAddr, o.entry);
}
