// Bare-metal A64 test programs (tests/asm-a64/*.S) assembled with the Debian cross toolchain and
// run on the A64 core directly, on one vCPU, in this thread: RAM at 0x4000_0000, the machine's
// GICv3 and PL011 models on an MMIO bus (console output), PSCI SYSTEM_OFF over HVC (the end);
// WFI just goes on. Everything else a program does (other MMIO, other hypercalls, a fatal exit)
// ends the run and is reported.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { coreModule, instantiateCore } from "../../src/engine/aarch64/core-module.js";
import * as L from "../../src/engine/aarch64/layout.js";
import { MACHINE } from "../../src/engine/aarch64/machine.js";
import { VcpuExit } from "../../src/engine/exit.js";
import { Gic, resetGic } from "../../src/engine/aarch64/gic.js";
import { spiIntid } from "../../src/engine/aarch64/machine.js";
import { MmioBus } from "../../src/devices/bus.js";
import { Pl011 } from "../../src/devices/pl011.js";
import { MemConsole } from "../../src/devices/virtio/mem-backends.js";

const ASM_DIR = fileURLToPath(new URL("../../../tests/asm-a64/", import.meta.url));
export const CACHE = fileURLToPath(new URL("../../../build/asm-a64/", import.meta.url));
const PSCI_SYSTEM_OFF = 0x84000008n;

/**
 * Assemble and link tests/asm-a64/<files> (with start.S), cached by content: "bare" gives a raw
 * binary linked at MACHINE.rawLoadAddr for runA64; "user" a static Linux executable (console
 * through write(2), the end through exit_group) for qemu-aarch64, to check the programs'
 * expectations against another implementation.
 */
export function buildA64(files: string[], mode: "bare" | "user" = "bare"): string {
  const all = ["start.S", ...files];
  const h = createHash("sha256");
  // Files are named relative to tests/asm-a64, or absolute (generated programs).
  for (const f of [...all, "link.ld", ...readdirSync(ASM_DIR).filter((f) => f.endsWith(".h")).sort()]) {
    h.update(f).update(readFileSync(resolve(ASM_DIR, f)));
  }
  mkdirSync(CACHE, { recursive: true });
  const bin = join(CACHE, `${files[0]!.replace(/^.*\//, "").replace(/\W/g, "_")}-${h.digest("hex").slice(0, 16)}.${mode === "bare" ? "bin" : "elf"}`);
  if (existsSync(bin)) return bin;
  const link = mode === "bare" ? ["-T", join(ASM_DIR, "link.ld")] : ["-DUSER"];
  const elf = mode === "bare" ? `${bin}.elf` : bin;
  execFileSync("aarch64-linux-gnu-gcc", ["-nostdlib", "-nostartfiles", "-static", "-I", ASM_DIR,
    "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", ...link,
    ...all.map((f) => resolve(ASM_DIR, f)), "-o", elf], { stdio: ["ignore", "inherit", "inherit"] });
  if (mode === "bare") execFileSync("aarch64-linux-gnu-objcopy", ["-O", "binary", elf, bin]);
  return bin;
}

/** Run a "user" build under qemu-aarch64 (Debian qemu-user): its console output. */
export function runQemuUser(elf: string): string {
  return execFileSync("qemu-aarch64", [elf], { encoding: "utf8", timeout: 60_000 });
}

export interface A64Result {
  console: string;
  /** "off": PSCI SYSTEM_OFF; otherwise what stopped the program. */
  end: string;
  instret: bigint;
}

const RAM_BYTES = 4 * 1024 * 1024;

/** Run the raw binary `bin` from MACHINE.rawLoadAddr for at most `maxInsns` instructions. */
export function runA64(bin: string, maxInsns = 50_000_000): A64Result {
  const pages = Math.ceil((L.GUEST_RAM_OFF + RAM_BYTES) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const core = instantiateCore(coreModule(), memory, () => performance.now(), (m) => { throw new Error(m); });
  const base = L.CPU_REGION_OFF;
  core.init(base, L.GUEST_RAM_OFF, BigInt(MACHINE.ramBase), BigInt(RAM_BYTES));
  core.reset(0n);
  const image = readFileSync(bin);
  const loadAt = MACHINE.rawLoadAddr - MACHINE.ramBase;
  new Uint8Array(memory.buffer, L.GUEST_RAM_OFF + loadAt, image.length).set(image);
  const dv = new DataView(memory.buffer);
  dv.setBigUint64(base + L.C_PC, BigInt(MACHINE.rawLoadAddr), true);
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  resetGic(buffer, 1);
  const gic = new Gic(buffer, 1);
  const bus = new MmioBus();
  const console = new MemConsole();
  const G = MACHINE.gic;
  bus.register(G.dist.base, G.dist.size, gic.distributor);
  bus.register(G.redist.base, G.redist.size, gic.redistributors);
  bus.register(MACHINE.uart.base, MACHINE.uart.size, new Pl011(gic.spiLine(spiIntid(MACHINE.uart.spi)), console));
  const u32 = (off: number) => dv.getUint32(base + off, true);
  let end = "";
  const hex = (n: bigint | number) => `0x${n.toString(16)}`;
  for (let left = maxInsns; !end && left > 0;) {
    const before = dv.getBigUint64(base + L.C_INSTRET, true);
    const exit = core.run(Math.min(left, 1_000_000));
    left -= Number(dv.getBigUint64(base + L.C_INSTRET, true) - before);
    const pc = dv.getBigUint64(base + L.C_EXIT_PC, true);
    const addr = dv.getBigUint64(base + L.C_EXIT_ADDR, true);
    switch (exit) {
      case VcpuExit.Budget:
        break;
      case VcpuExit.MmioStore:
        if (!bus.write(Number(addr), u32(L.C_EXIT_SIZE) as 1 | 2 | 4 | 8, u32(L.C_EXIT_DATA), u32(L.C_EXIT_DATA + 4))) {
          end = `MMIO store to ${hex(addr)} at pc ${hex(pc)}`;
        }
        break;
      case VcpuExit.Hypercall:
        if (core.getX(0) === PSCI_SYSTEM_OFF) end = "off";
        else end = `hypercall x0 = ${hex(core.getX(0))} at pc ${hex(pc)}`;
        break;
      case VcpuExit.MmioLoad: {
        const r = bus.read(Number(addr), u32(L.C_EXIT_SIZE) as 1 | 2 | 4 | 8);
        if (r.ok) core.completeMmioLoad(BigInt(r.lo >>> 0) | (BigInt(r.hi >>> 0) << 32n));
        else end = `MMIO load from ${hex(addr)} at pc ${hex(pc)}`;
        break;
      }
      case VcpuExit.Fatal: {
        const undef = dv.getUint32(base + L.C_UNDEF_COUNT, true) === 0 ? ""
          : `; last UNDEFINED: insn ${hex(dv.getUint32(base + L.C_UNDEF_INSN, true))} at pc ${hex(dv.getBigUint64(base + L.C_UNDEF_PC, true))}`;
        end = `fatal ${dv.getUint32(base + L.C_EXIT_REASON, true)}: insn ${hex(dv.getUint32(base + L.C_EXIT_INSN, true))} at pc ${hex(pc)} (addr ${hex(addr)})${undef}`;
        break;
      }
      case VcpuExit.Halt: // WFI: nothing to wait for in one thread but the timer; go on
        break;
      default:
        end = `exit ${exit}`;
    }
  }
  return { console: console.text, end: end || `still running after ${maxInsns} instructions`, instret: dv.getBigUint64(base + L.C_INSTRET, true) };
}
