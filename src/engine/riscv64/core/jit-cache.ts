// Per-hart table binding block start addresses to compiled blocks (see layout.ts H_JIT).
import { H_JIT, JIT_BYTES, JIT_ENTRIES } from "../layout";
import { hart } from "./state";

@inline export function jitEntry(host: usize): usize {
  return hart + H_JIT + (((host >> 1) & (JIT_ENTRIES - 1)) << 4);
}

// Drop every compiled-block binding of this hart (fence.i: code may have changed).
export function flushJit(): void {
  memory.fill(hart + H_JIT, 0xff, JIT_BYTES);
}
