// Telling a kernel file's architecture from its header, and the one-line refusal of a kernel for
// another architecture by either engine's payload describer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kernelArchOf, wrongArchMessage } from "./kernel-arch.js";
import { describePayload as describeRiscv } from "./riscv64/payload.js";
import { describePayload as describeArm64 } from "./aarch64/payload.js";
import { BootError } from "./boot-error.js";

function arm64Image(o: { textOffset?: number; imageSize?: number; flags?: number } = {}): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x91005a4d, true); // "MZ" + add x13, x18, #0x16, as EFI-stub kernels start
  dv.setBigUint64(8, BigInt(o.textOffset ?? 0), true);
  dv.setBigUint64(16, BigInt(o.imageSize ?? 0x1a00000), true);
  dv.setBigUint64(24, BigInt(o.flags ?? 0xa), true); // 4K pages, placeable anywhere
  dv.setUint32(0x38, 0x644d5241, true);
  return b;
}

function riscvImage(): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(8, 0x200000n, true);
  dv.setBigUint64(16, 0x1000000n, true);
  dv.setUint32(0x38, 0x05435352, true);
  return b;
}

function elf(machine: number, cls = 2, type = 2): Uint8Array {
  const b = new Uint8Array(128);
  b.set([0x7f, 0x45, 0x4c, 0x46, cls, 1, 1]);
  new DataView(b.buffer).setUint16(16, type, true);
  new DataView(b.buffer).setUint16(18, machine, true);
  return b;
}

test("the header names the architecture: arm64 and RISC-V Images, ELF machines and classes, x86 bzImage", () => {
  assert.deepEqual(kernelArchOf(arm64Image()), { arch: "aarch64", what: "an arm64 Linux Image" });
  assert.deepEqual(kernelArchOf(riscvImage()), { arch: "riscv64", what: "a RISC-V Linux Image" });
  assert.deepEqual(kernelArchOf(elf(183)), { arch: "aarch64", what: "an aarch64 ELF executable" });
  assert.deepEqual(kernelArchOf(elf(243)), { arch: "riscv64", what: "a riscv64 ELF executable" });
  assert.deepEqual(kernelArchOf(elf(243, 1)), { arch: "riscv32", what: "a riscv32 ELF executable" });
  assert.deepEqual(kernelArchOf(elf(62, 2, 1)), { arch: "x86_64", what: "an x86_64 ELF object file" });
  const bz = new Uint8Array(0x400);
  bz.set([0x48, 0x64, 0x72, 0x53], 0x202); // "HdrS"
  assert.equal(kernelArchOf(bz)?.arch, "x86");
  assert.equal(kernelArchOf(new Uint8Array(4096).fill(0x13)), undefined, "a raw binary tells nothing");
  assert.equal(kernelArchOf(elf(9999)), undefined, "an unknown machine tells nothing");
  assert.equal(kernelArchOf(arm64Image().subarray(0, 60)), undefined, "a header cut short tells nothing");
});

test("a kernel for another architecture is refused in one line naming it, both ways", () => {
  const onRiscv = (b: Uint8Array) => () => describeRiscv(b, b.length, "Image");
  const onArm = (b: Uint8Array) => () => describeArm64(b, b.length, "Image");
  const one = (re: RegExp) => (e: Error) => e instanceof BootError && re.test(e.message) && e.message.startsWith("Image: it is ") && !e.message.includes("\n");
  assert.throws(onRiscv(arm64Image()), one(/Image: it is an arm64 Linux Image, but zone\.arch is riscv64: set arch = "aarch64" in \[zone\], or boot a riscv64 kernel$/));
  assert.throws(onRiscv(elf(183)), one(/Image: it is an aarch64 ELF executable, but zone\.arch is riscv64/));
  assert.throws(onArm(riscvImage()), one(/Image: it is a RISC-V Linux Image, but zone\.arch is aarch64: set arch = "riscv64" in \[zone\]/));
  assert.throws(onArm(elf(243)), one(/Image: it is a riscv64 ELF executable, but zone\.arch is aarch64/));
  assert.throws(onArm(elf(62)), one(/x86_64 ELF executable, but zone\.arch is aarch64: tsvisor has no x86_64 engine yet/));
  // format = "raw" takes the bytes as they are, whatever they look like
  assert.equal(describeRiscv(arm64Image(), 4096, "Image", { format: "raw" }).format, "raw");
  assert.equal(wrongArchMessage(arm64Image(), "aarch64", "Image"), undefined);
});

test("arm64 Image: loaded text_offset above RAM's base, image_size with its bss, flags read", async () => {
  const { parseArm64Image } = await import("./aarch64/image.js");
  const p = describeArm64(arm64Image(), 0x1500000, "Image");
  assert.deepEqual(p, { format: "image", entry: 0x40000000, regions: [{ name: "kernel Image", start: 0x40000000, end: 0x41a00000, fileOff: 0, fileLen: 0x1500000 }] });
  const h = parseArm64Image(arm64Image({ textOffset: 0x80000, flags: 0x2 | 0x4 }), "Image", 4096);
  assert.deepEqual(h, { textOffset: 0x80000, imageSize: 0x1a00000, bigEndian: false, pageSize: "64K", placeAnywhere: false });
  // image_size 0: a kernel before 3.17, whose text_offset is 0x80000 (booting.rst); its size is the file's
  const old = parseArm64Image(arm64Image({ imageSize: 0, textOffset: 0x1234 }), "Image", 0x800000);
  assert.equal(old.textOffset, 0x80000);
  assert.equal(old.imageSize, 0x800000);
  assert.throws(() => parseArm64Image(arm64Image({ flags: 1 }), "Image"), /big-endian arm64 kernel/);
  assert.throws(() => parseArm64Image(arm64Image({ textOffset: 0x123 }), "Image"), /implausible text_offset 0x123/);
  const gz = Uint8Array.of(0x1f, 0x8b, ...new Array(62).fill(0));
  assert.throws(() => describeArm64(gz, 64, "Image.gz", { format: "image" }), /gzip-compressed, like Image.gz/);
  assert.throws(() => describeArm64(gz, 64, "Image.gz"), /gzip-compressed: decompress it first/);
});

test("aarch64 ELF executables load at their physical addresses; raw binaries at RAM + 0x80000 (as QEMU virt loads them)", () => {
  const b = new Uint8Array(0x2000);
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, 2, true);
  dv.setUint16(18, 183, true);
  dv.setBigUint64(24, 0x40080000n, true);
  dv.setBigUint64(32, 64n, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, 1, true);
  dv.setUint32(64, 1, true);
  dv.setBigUint64(64 + 8, 0x1000n, true);
  dv.setBigUint64(64 + 24, 0x40080000n, true);
  dv.setBigUint64(64 + 32, 0x1000n, true);
  dv.setBigUint64(64 + 40, 0x3000n, true);
  const p = describeArm64(b, b.length, "bare.elf");
  assert.equal(p.entry, 0x40080000);
  assert.deepEqual(p.regions.map((r) => [r.start, r.end, r.fileOff, r.fileLen]), [[0x40080000, 0x40083000, 0x1000, 0x1000]]);
  const raw = describeArm64(new Uint8Array(64).fill(0x1f), 64, "bare.bin");
  assert.equal(raw.entry, 0x40080000);
});
