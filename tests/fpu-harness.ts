// Loads the FPU test wasm (src/engine/riscv64/core/test/fpu-entry.ts), building it with asc
// when it is missing or older than its sources, and drives single F/D instructions.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// dist/tests/fpu-harness.js -> repo root
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CORE = join(ROOT, "src/engine/riscv64/core");
export const WASM = join(ROOT, "build/fpu-test.wasm");
const ENTRY = join(CORE, "test/fpu-entry.ts");

const HART_BASE = 0x00100000;

function newestSource(): number {
  const files = [join(ROOT, "src/engine/riscv64/layout.ts"), ENTRY];
  for (const f of readdirSync(CORE)) if (f.endsWith(".ts")) files.push(join(CORE, f));
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

export function buildFpuWasm(force = false): void {
  if (!force && existsSync(WASM) && statSync(WASM).mtimeMs >= newestSource()) return;
  mkdirSync(join(ROOT, "build"), { recursive: true });
  const asc = join(ROOT, "node_modules/assemblyscript/bin/asc.js");
  execFileSync(process.execPath, [
    asc, ENTRY, "-o", WASM, "-O3", "--runtime", "stub", "--importMemory", "--sharedMemory",
    "--initialMemory", "256", "--maximumMemory", "65536", "--enable", "threads", "--noAssert",
  ], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
}

interface Exports {
  init(base: number): void;
  run(insn: number, a: bigint, b: bigint, c: bigint, fcsr: number): number;
  execFp(insn: number): number;
  getXReg(i: number): bigint;
  setXReg(i: number, v: bigint): void;
  getFReg(i: number): bigint;
  setFReg(i: number, v: bigint): void;
  getFcsrReg(): number;
  setFcsrReg(v: number): void;
  getStatusReg(): bigint;
  setStatusReg(v: bigint): void;
}

export type Out = { ok: boolean; f: bigint; x: bigint; fflags: number; fcsr: number };

export class Fpu {
  readonly ex: Exports;
  constructor() {
    buildFpuWasm();
    const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
    const mod = new WebAssembly.Module(readFileSync(WASM));
    const inst = new WebAssembly.Instance(mod, {
      env: {
        memory,
        abort: () => {
          throw new Error("wasm abort");
        },
      },
    });
    this.ex = inst.exports as unknown as Exports;
    this.ex.init(HART_BASE);
  }

  // Operands in f1, f2, f3 and x1; result read from f4 / x4.
  run(insn: number, a: bigint, b = 0n, c = 0n, fcsr = 0): Out {
    const ok = this.ex.run(insn >>> 0, a, b, c, fcsr) === 1;
    const f = BigInt.asUintN(64, this.ex.getFReg(4));
    const x = BigInt.asUintN(64, this.ex.getXReg(4));
    const fc = this.ex.getFcsrReg();
    return { ok, f, x, fflags: fc & 0x1f, fcsr: fc };
  }
}

// ---- encodings ----
export const OP_FP = 0x53;
export const FMADD = 0x43, FMSUB = 0x47, FNMSUB = 0x4b, FNMADD = 0x4f;
export const DYN = 7;
export const RD = 4, RS1 = 1, RS2 = 2, RS3 = 3;

export function rtype(funct5: number, fmt: number, rs2: number, rm: number): number {
  return (((funct5 << 27) | (fmt << 25) | (rs2 << 20) | (RS1 << 15) | (rm << 12) | (RD << 7) | OP_FP) >>> 0);
}
export function r4(op: number, fmt: number, rm: number): number {
  return (((RS3 << 27) | (fmt << 25) | (RS2 << 20) | (RS1 << 15) | (rm << 12) | (RD << 7) | op) >>> 0);
}
export const FADD = 0, FSUB = 1, FMUL = 2, FDIV = 3, FSGNJ = 4, FMINMAX = 5, FCVT_FF = 8,
  FSQRT = 11, FCMP = 20, FCVT_IF = 24, FCVT_FI = 26, FMV_X_CLASS = 28, FMV_F_X = 30;
