// Which architecture a kernel file is built for, read from its own header: an arm64 or RISC-V
// Linux `Image` (their magics at 0x38), an x86 bzImage, an arm zImage, an ELF file's e_machine.
// The engines use it to refuse a kernel for another architecture in one line that names it, and
// `tsvisor run --kernel` to pick the engine. Architecture-free: it knows every header, runs none.
import { ARCHES } from "./arch.js";

export interface KernelArch {
  /** The architecture's name as a zone file's `arch` spells it ("aarch64", "riscv64", "x86_64", ...). */
  arch: string;
  /** What the file is, for messages: "an arm64 Linux Image", "an x86_64 ELF executable". */
  what: string;
}

/** e_machine values (ELF gABI) -> the architecture, for 64-bit ELF files. */
const ELF_MACHINES: Record<number, string> = {
  3: "i386", 8: "mips", 20: "powerpc", 21: "ppc64", 22: "s390x", 40: "arm", 62: "x86_64", 183: "aarch64", 243: "riscv64", 258: "loongarch64",
};
const ELF_TYPES: Record<number, string> = { 1: "object file", 2: "executable", 3: "shared object", 4: "core dump" };

const u32le = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** The architecture of the kernel file whose first bytes are `head`, or undefined when the header does not tell. */
export function kernelArchOf(head: Uint8Array): KernelArch | undefined {
  if (head.length >= 64 && u32le(head, 0x38) === 0x644d5241) return { arch: "aarch64", what: "an arm64 Linux Image" }; // "ARM\x64"
  if (head.length >= 64 && (u32le(head, 0x38) === 0x05435352 || (u32le(head, 0x30) === 0x43534952 && head[0x34] === 0x56))) {
    return { arch: "riscv64", what: "a RISC-V Linux Image" }; // "RSC\x05", or the older "RISCV"
  }
  if (head.length >= 20 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    const cls = head[4] === 1 ? 32 : head[4] === 2 ? 64 : 0;
    const le = head[5] === 1;
    const machine = le ? head[18]! | (head[19]! << 8) : (head[18]! << 8) | head[19]!;
    const type = le ? head[16]! | (head[17]! << 8) : (head[16]! << 8) | head[17]!;
    let arch = ELF_MACHINES[machine];
    if (arch === undefined || cls === 0) return undefined;
    if (cls === 32) arch = { riscv64: "riscv32", aarch64: "arm", x86_64: "i386", ppc64: "powerpc", loongarch64: "loongarch32" }[arch] ?? arch;
    const what = ELF_TYPES[type] ?? "file";
    return { arch, what: `${/^([aeio]|x86|s390)/.test(arch) ? "an" : "a"} ${arch} ELF ${what}` };
  }
  if (head.length >= 0x206 && u32le(head, 0x202) === 0x53726448) return { arch: "x86", what: "an x86 Linux bzImage" }; // "HdrS"
  if (head.length >= 0x28 && u32le(head, 0x24) === 0x016f2818) return { arch: "arm", what: "a 32-bit arm Linux zImage" };
  return undefined;
}

/**
 * The one-line refusal of a kernel built for another architecture than the zone's `arch`, or
 * undefined when the file is for `arch` or its header does not tell.
 */
export function wrongArchMessage(head: Uint8Array, arch: string, file: string): string | undefined {
  const k = kernelArchOf(head);
  if (k === undefined || k.arch === arch) return undefined;
  const fix = (ARCHES as readonly string[]).includes(k.arch)
    ? `set arch = "${k.arch}" in [zone], or boot a ${arch} kernel`
    : `tsvisor has no ${k.arch} engine yet (it runs ${ARCHES.join(", ")}): boot a ${arch} kernel`;
  return `${file}: it is ${k.what}, but zone.arch is ${arch}: ${fix}`;
}
