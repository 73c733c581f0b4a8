// Guest physical memory as the core reaches it (no MMU yet: every address is physical): RAM is
// read and written in place; anything else is MMIO, handed to the VMM as an exit with its details
// (the vCPU thread answers a load with completeMmioLoad in index.ts).
import {
  C_EXIT_PC, C_EXIT_INSN, C_EXIT_ADDR, C_EXIT_DATA, C_EXIT_SIZE, C_EXIT_REG, C_EXIT_FLAGS,
} from "../layout";
import { cpu, pc, ramOff, ramBase, ramBytes } from "./state";

/** Where `size` bytes at physical `pa` are in memory, or 0 when they are not all in RAM. */
@inline export function ramAt(pa: u64, size: u32): usize {
  const off = pa - ramBase;
  // off wraps to a huge value below RAM: one comparison covers both ends.
  return off <= ramBytes - size ? ramOff + <usize>off : 0;
}

@inline export function loadRaw(a: usize, size: u32): u64 {
  if (size == 8) return load<u64>(a);
  if (size == 4) return <u64>load<u32>(a);
  if (size == 2) return <u64>load<u16>(a);
  return <u64>load<u8>(a);
}

@inline export function storeRaw(a: usize, size: u32, v: u64): void {
  if (size == 8) store<u64>(a, v);
  else if (size == 4) store<u32>(a, <u32>v);
  else if (size == 2) store<u16>(a, <u16>v);
  else store<u8>(a, <u8>v);
}

/** Record an MMIO access for the VMM: the instruction, the address, size, data (stores) or destination (loads). */
export function recordMmio(insn: u32, pa: u64, size: u32, data: u64, reg: u32, flags: u32): void {
  store<u64>(cpu + C_EXIT_PC, pc);
  store<u32>(cpu + C_EXIT_INSN, insn);
  store<u64>(cpu + C_EXIT_ADDR, pa);
  store<u64>(cpu + C_EXIT_DATA, data);
  store<u32>(cpu + C_EXIT_SIZE, size);
  store<u32>(cpu + C_EXIT_REG, reg);
  store<u32>(cpu + C_EXIT_FLAGS, flags);
}
