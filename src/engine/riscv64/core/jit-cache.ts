// Per-hart table binding block start addresses to compiled blocks (see layout.ts H_JIT), plus
// the hotness counters and warm-candidate ring that decide what gets compiled.
// Entry: { host: u32, set: i32, func: i32, pad: i32 }. After a fence.i the vCPU thread unbinds
// whatever came from pages written since it was compiled (EXIT_JIT_FLUSH).
// Two-way set associative: two hot blocks whose addresses alias can both stay bound.
import {
  H_JIT, H_JIT_FLUSHES, JIT_BYTES, JIT_ENTRIES, JIT_EMPTY, H_JIT_HEAT, JIT_HEAT_ENTRIES, H_JIT_WARM,
  JIT_WARM_ENTRIES, H_JIT_WARM_HEAD, JIT_THRESHOLD, H_STAT_EVICTS,
} from "../layout";
import { hart } from "./state";

// Binding states besides a table index: -1 not compiled (unbind), -2 not compilable.
export const JIT_NONE: i32 = -1;
export const JIT_NEVER: i32 = -2;

const JIT_SETS: usize = JIT_ENTRIES >> 1;

// The two slots (32 bytes) where the block at `host` may be bound.
@inline function jitSet(host: usize): usize {
  const h = host >> 1;
  return hart + H_JIT + (((h ^ (h >> 13)) & (JIT_SETS - 1)) << 5);
}

// The slot binding `host` for TLB set `set`, or 0.
@inline export function jitFind(host: usize, set: i32): usize {
  const e = jitSet(host);
  if (load<u32>(e) == <u32>host && load<i32>(e, 4) == set) return e;
  if (load<u32>(e, 16) == <u32>host && load<i32>(e, 20) == set) return e + 16;
  return 0;
}

// One more execution of the not-yet-compiled block at `host`: true when it is hot enough to compile.
let threshold: i32 = JIT_THRESHOLD;

// The engine mode (see JIT_THRESHOLD): 0 never compiles, 1 compiles at the first execution.
export function setJitThreshold(t: i32): void {
  threshold = t;
}

export function jitHeat(host: usize, set: i32): bool {
  if (threshold == 0) return false; // TSVISOR_JIT=off
  const h = <u32>(host >> 1);
  const a = hart + H_JIT_HEAT + ((<usize>((h ^ (h >> 16)) + <u32>set * 0x9e5) & (JIT_HEAT_ENTRIES - 1)) << 1);
  const c = <i32>load<u16>(a) + 1;
  if (c >= threshold) {
    store<u16>(a, 0);
    return true;
  }
  store<u16>(a, <u16>c);
  // Warm: worth compiling alongside a hot block (an eighth of the way there).
  if (c == threshold >> 3) {
    const head = load<i32>(hart + H_JIT_WARM_HEAD);
    const r = hart + H_JIT_WARM + ((<usize>head & (JIT_WARM_ENTRIES - 1)) << 3);
    store<u32>(r, <u32>host);
    store<i32>(r, set, 4);
    store<i32>(hart + H_JIT_WARM_HEAD, head + 1);
  }
  return false;
}

// Bind (func >= 0 or JIT_NEVER) or unbind (JIT_NONE: the code changed; it warms up again).
export function jitBind(host: usize, set: i32, func: i32): void {
  let e = jitFind(host, set);
  if (func == JIT_NONE) {
    if (e != 0) store<u32>(e, JIT_EMPTY);
    return;
  }
  if (e == 0) {
    // A free slot if there is one; else the older binding goes (slot 0 is the newer).
    e = jitSet(host);
    if (load<u32>(e) == JIT_EMPTY) {
      // slot 0 is free
    } else if (load<u32>(e, 16) == JIT_EMPTY) {
      e += 16;
    } else {
      if (load<i32>(e, 24) >= 0) store<u64>(hart + H_STAT_EVICTS, load<u64>(hart + H_STAT_EVICTS) + 1);
      memory.copy(e + 16, e, 16);
    }
  }
  store<u32>(e, <u32>host);
  store<i32>(e, set, 4);
  store<i32>(e, func, 8);
}

// fence.i (local or remote): the caller returns EXIT_JIT_FLUSH so the vCPU thread drops stale
// code before any compiled block runs again.
export function flushJit(): void {
  store<i32>(hart + H_JIT_FLUSHES, load<i32>(hart + H_JIT_FLUSHES) + 1);
}

// Forget everything (hart reset).
export function clearJit(): void {
  memory.fill(hart + H_JIT, 0xff, JIT_BYTES);
  memory.fill(hart + H_JIT_HEAT, 0, JIT_HEAT_ENTRIES << 1);
}
