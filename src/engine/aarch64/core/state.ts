// The vCPU's architectural state as the core sees it while it runs: the registers live in the
// vCPU's region of shared memory (../layout.ts); pc and NZCV are kept in globals during run() and
// written back whenever control leaves the core.
import {
  C_X, C_PC, C_NZCV, C_EXIT_PC, C_EXIT_INSN, C_EXIT_REASON, C_EXIT_ADDR,
} from "../layout";
import { EXIT_FATAL } from "../../exit";

/** Base of this vCPU's region in memory. */
export let cpu: usize = 0;
/** Where guest RAM starts in memory, its guest-physical base and size. */
export let ramOff: usize = 0;
export let ramBase: u64 = 0;
export let ramBytes: u64 = 0;

/** The instruction being executed, and its address. */
export let pc: u64 = 0;
/** N, Z, C, V in bits 31..28. */
export let nzcv: u32 = 0;

export const N_BIT: u32 = 0x80000000;
export const Z_BIT: u32 = 0x40000000;
export const C_BIT: u32 = 0x20000000;
export const V_BIT: u32 = 0x10000000;

export function setCpu(base: usize, ramOffset: usize, base_: u64, bytes: u64): void {
  cpu = base;
  ramOff = ramOffset;
  ramBase = base_;
  ramBytes = bytes;
}

export function loadState(): void {
  pc = load<u64>(cpu + C_PC);
  nzcv = load<u32>(cpu + C_NZCV);
}

export function saveState(): void {
  store<u64>(cpu + C_PC, pc);
  store<u32>(cpu + C_NZCV, nzcv);
}

@inline export function setPc(v: u64): void {
  pc = v;
}

@inline export function setNzcv(v: u32): void {
  nzcv = v;
}

/** Register n where 31 is XZR. */
@inline export function xr(n: u32): u64 {
  return n == 31 ? 0 : load<u64>(cpu + C_X + (<usize>n << 3));
}

/** Register n where 31 is the stack pointer. */
@inline export function xs(n: u32): u64 {
  return load<u64>(cpu + C_X + (<usize>n << 3));
}

/** Write register n where 31 is XZR (the write is dropped). */
@inline export function setXr(n: u32, v: u64): void {
  if (n != 31) store<u64>(cpu + C_X + (<usize>n << 3), v);
}

/** Write register n where 31 is the stack pointer. */
@inline export function setXs(n: u32, v: u64): void {
  store<u64>(cpu + C_X + (<usize>n << 3), v);
}

/** The 32- or 64-bit result of an instruction: W writes clear the upper half. */
@inline export function sized(sf: u32, v: u64): u64 {
  return sf ? v : v & 0xffffffff;
}

/** Record a fatal exit: `reason` (FATAL_*), the instruction and where it is. */
export function fatal(reason: u32, insn: u32, addr: u64): i32 {
  store<u64>(cpu + C_EXIT_PC, pc);
  store<u32>(cpu + C_EXIT_INSN, insn);
  store<u32>(cpu + C_EXIT_REASON, reason);
  store<u64>(cpu + C_EXIT_ADDR, addr);
  return EXIT_FATAL;
}

/** Executors return this to go on with the next instruction (pc already set). */
export const CONTINUE: i32 = -1;
