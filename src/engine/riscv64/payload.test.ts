// Telling payload formats apart and placing them: ELF program headers, raw load addresses, and
// every refusal (wrong class, machine or type, outside RAM, over the device tree, entry outside).
import { test } from "node:test";
import assert from "node:assert/strict";
import { describePayload } from "./payload.js";
import { MACHINE } from "./machine.js";
import { planBoot } from "../boot-plan.js";
import { BootError } from "../boot-error.js";

const M = 1024 * 1024;
const RAM = 0x80000000;

interface Seg { type?: number; off: number; paddr: number; filesz: number; memsz: number }
function elf(o: { cls?: number; machine?: number; type?: number; entry: number; segs: Seg[]; size?: number }): Uint8Array {
  const b = new Uint8Array(Math.max(o.size ?? 0, 64 + o.segs.length * 56));
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, o.cls ?? 2, 1, 1]);
  dv.setUint16(16, o.type ?? 2, true);
  dv.setUint16(18, o.machine ?? 243, true);
  dv.setBigUint64(24, BigInt(o.entry), true);
  dv.setBigUint64(32, 64n, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, o.segs.length, true);
  o.segs.forEach((s, i) => {
    const p = 64 + i * 56;
    dv.setUint32(p, s.type ?? 1, true);
    dv.setBigUint64(p + 8, BigInt(s.off), true);
    dv.setBigUint64(p + 16, BigInt(s.paddr), true);
    dv.setBigUint64(p + 24, BigInt(s.paddr), true);
    dv.setBigUint64(p + 32, BigInt(s.filesz), true);
    dv.setBigUint64(p + 40, BigInt(s.memsz), true);
  });
  return b;
}

const rtt = { entry: 0x90200000, size: 0x62138, segs: [{ off: 0x1000, paddr: 0x90200000, filesz: 0x61138, memsz: 0x829d0 }] };

test("ELF: PT_LOAD segments at their physical addresses (bss beyond the file bytes), entry from the header", () => {
  const p = describePayload(elf(rtt), 0x62138, "rtthread.elf");
  assert.equal(p.format, "elf");
  assert.equal(p.entry, 0x90200000);
  assert.deepEqual(p.regions.map((r) => [r.start, r.end, r.fileOff, r.fileLen]), [[0x90200000, 0x902829d0, 0x1000, 0x61138]]);
  const l = planBoot(RAM, 1024 * M, p, 8 * M, 4096, "rt", "rtthread.elf");
  assert.equal(l.entry, 0x90200000);
  assert.equal(l.dtbAddr, 0xbfe00000, "DTB 2 MiB-aligned at the top of RAM, as QEMU virt puts it");
  assert.ok(l.initrdStart! >= 0x902829d0 && l.initrdEnd! <= l.dtbAddr, "initrd above the image, below the DTB");
});

test("raw binaries load at 0x8020_0000 (or load_addr) and start there (or at entry); auto refuses what is surely no payload", () => {
  const raw = new Uint8Array(4096).fill(0x13);
  assert.deepEqual(describePayload(raw, 4096, "u-boot.bin"), {
    format: "raw", entry: MACHINE.rawLoadAddr, regions: [{ name: "raw binary", start: 0x80200000, end: 0x80201000, fileOff: 0, fileLen: 4096 }],
  });
  const at = describePayload(raw, 4096, "x.bin", { loadAddr: 0x81000000, entry: 0x81000800 });
  assert.equal(at.entry, 0x81000800);
  const refused: [Uint8Array, RegExp][] = [
    [Uint8Array.of(0x1f, 0x8b, 8, 0), /gzip-compressed/],
    [new TextEncoder().encode("[zone]\nname = \"oops, this is a config file\"\n"), /looks like a text file/],
    [new Uint8Array(0), /empty/],
    [Uint8Array.of(0x27, 0x05, 0x19, 0x56, 0, 0, 0, 0), /uImage/],
  ];
  for (const [bytes, why] of refused) {
    assert.throws(() => describePayload(bytes, bytes.length, "f"), (e: Error) => e instanceof BootError && why.test(e.message) &&
      /^f: not a Linux Image, an ELF executable or a raw binary: /.test(e.message));
  }
  // forced raw takes anything non-empty
  assert.equal(describePayload(refused[1][0], refused[1][0].length, "f", { format: "raw" }).format, "raw");
});

test("ELF files for another class, machine or type are refused with the reason", () => {
  const cases: [Parameters<typeof elf>[0], RegExp][] = [
    [{ ...rtt, cls: 1, machine: 9999 }, /32-bit \(ELFCLASS32\) ELF file; riscv64 zones need ELFCLASS64/],
    [{ ...rtt, machine: 9999 }, /built for machine 9999 \(EM_RISCV is 243\)/],
    [{ ...rtt, type: 3 }, /ET_DYN/],
    [{ ...rtt, segs: [{ ...rtt.segs[0], type: 4 }] }, /no PT_LOAD segment/],
    [{ ...rtt, segs: [{ ...rtt.segs[0], filesz: 0x100000, memsz: 0x100000 }] }, /beyond the end of the file/],
  ];
  for (const [o, why] of cases) {
    const b = elf(o);
    assert.throws(() => describePayload(b, 0x62138, "g.elf"), (e: Error) => why.test(e.message) && e.message.startsWith("g.elf: not an ELF executable"), String(why));
  }
});

test("ELF files for another architecture are refused naming it (kernel-arch.ts)", () => {
  assert.throws(() => describePayload(elf({ ...rtt, cls: 1 }), 0x62138, "g.elf"), /g\.elf: it is a riscv32 ELF executable, but zone\.arch is riscv64/);
  assert.throws(() => describePayload(elf({ ...rtt, machine: 62 }), 0x62138, "g.elf"), /g\.elf: it is an x86_64 ELF executable, but zone\.arch is riscv64/);
});

test("placement refuses what falls outside RAM, overlaps, misses its entry or covers the device tree", () => {
  const plan = (o: Parameters<typeof elf>[0], ram: number) => () => planBoot(RAM, ram, describePayload(elf(o), 0x62138, "g.elf"), undefined, 4096, "z", "g.elf");
  assert.throws(plan(rtt, 256 * M), (e: BootError) => e.field === "zone.memory" &&
    /^zone z: g\.elf: ELF segment 0 \(PT_LOAD at 0x90200000, 534992 bytes\) \[0x90200000, 0x902829d0\) lies beyond the zone's RAM \[0x80000000, 0x90000000\): give the zone at least 259 MiB of memory$/.test(e.message));
  assert.throws(plan({ ...rtt, segs: [{ ...rtt.segs[0], paddr: 0x1000 }], entry: 0x1000 }, 1024 * M), /lies below the zone's RAM, which starts at 0x80000000/);
  assert.throws(plan({ ...rtt, entry: 0x80000000 }, 1024 * M), /the entry point 0x80000000 is outside what is loaded \(\[0x90200000, 0x902829d0\)\)/);
  assert.throws(plan({ ...rtt, segs: [rtt.segs[0], { ...rtt.segs[0], paddr: 0x90280000 }] }, 1024 * M), /ELF segment 0 .* and ELF segment 1 .* overlap/);
  // a payload at the top of RAM gets the device tree right below it; one filling RAM leaves no room
  const top = planBoot(RAM, 256 * M, describePayload(elf({ ...rtt, entry: 0x8ff00000, segs: [{ ...rtt.segs[0], paddr: 0x8ff00000 }] }), 0x62138, "t.elf"),
    undefined, 4096, "z", "t.elf");
  assert.equal(top.dtbAddr, 0x8feff000);
  assert.throws(plan({ ...rtt, entry: 0x80000000, segs: [{ ...rtt.segs[0], paddr: 0x80000000, memsz: 256 * M }] }, 256 * M),
    /ELF segment 0 .* \[0x80000000, 0x90000000\) overlaps where the device tree goes \[0x8fe00000, 0x8fe01000\)/);
});

test("M-mode instructions are recognised (mret, CSRs 0x3xx / 0xfxx), S-mode ones are not", async () => {
  const { mModeInstruction } = await import("./mmode-hint.js");
  assert.equal(mModeInstruction(0x30200073), "mret");
  assert.equal(mModeInstruction(0xf1402573), "an access to the M-mode CSR mhartid"); // csrr a0, mhartid
  assert.equal(mModeInstruction(0x30029073), "an access to the M-mode CSR mstatus"); // csrw mstatus, t0
  assert.equal(mModeInstruction(0x10029073), undefined); // csrw sstatus, t0
  assert.equal(mModeInstruction(0x10200073), undefined); // sret
  assert.equal(mModeInstruction(0x00000013), undefined); // nop
});
