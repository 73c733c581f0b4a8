// Per-hart table binding block start addresses to compiled blocks (see layout.ts H_JIT).
import { H_JIT, JIT_BYTES, JIT_ENTRIES } from "../layout";
import { hart } from "./state";

@inline export function jitEntry(host: usize): usize {
  return hart + H_JIT + (((host >> 1) & (JIT_ENTRIES - 1)) << 4);
}

// Binding states besides a table index: -1 not compiled yet, -2 not compilable, -3 compiled but
// code may have changed since (fence.i): the vCPU thread re-checks the bytes before re-binding.
export const JIT_NONE: i32 = -1;
export const JIT_NEVER: i32 = -2;
export const JIT_VERIFY: i32 = -3;

// fence.i: every bound block must be verified against memory before it runs again.
export function flushJit(): void {
  let e = hart + H_JIT;
  const end = e + JIT_BYTES;
  for (; e < end; e += 16) {
    if (load<i32>(e, 8) >= 0) store<i32>(e, JIT_VERIFY, 8);
  }
}

// Forget everything (hart reset).
export function clearJit(): void {
  memory.fill(hart + H_JIT, 0xff, JIT_BYTES);
}
