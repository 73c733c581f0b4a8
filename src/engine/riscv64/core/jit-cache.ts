// Per-hart table binding block start addresses to compiled blocks (see layout.ts H_JIT).
// Entry: { host: u32, key: i32 = TLB set | code generation << 2, func: i32, hits: i32 }.
import { H_JIT, H_JIT_GEN, JIT_BYTES, JIT_ENTRIES } from "../layout";
import { hart } from "./state";

// Binding states besides a table index: -1 not compiled yet, -2 not compilable.
export const JIT_NONE: i32 = -1;
export const JIT_NEVER: i32 = -2;

// Code generation of this hart: fence.i moves it on in O(1). An entry bound in an older
// generation is re-checked against memory (by the vCPU thread) before it runs again.
export let jitGen: i32 = 0;

@inline export function jitEntry(host: usize): usize {
  return hart + H_JIT + (((host >> 1) & (JIT_ENTRIES - 1)) << 4);
}

@inline export function jitKey(set: i32): i32 {
  return set | (jitGen << 2);
}

// fence.i: code may have changed.
export function flushJit(): void {
  jitGen = (jitGen + 1) & 0x1fffffff;
  store<i32>(hart + H_JIT_GEN, jitGen); // the vCPU thread re-checks stale bindings in bulk
  if (jitGen == 0) clearJit(); // wrapped: old keys could match again
}

// Forget everything (hart reset, generation wrap).
export function clearJit(): void {
  memory.fill(hart + H_JIT, 0xff, JIT_BYTES);
  store<i32>(hart + H_JIT_GEN, jitGen);
}
