// LR/SC reservations that other harts' stores really kill (no ABA). A hart holding a
// reservation counts itself in the watch byte of the page; stores to watched pages go through
// storeWatched(), which (under the zone's LR lock) kills other harts' reservations in the same
// 64-byte granule before storing. SC checks and stores under the same lock.
// The same byte's CODE_ARMED bit says compiled code came from the page: a store there also
// disarms it and moves the page's write epoch (see layout.ts), after the store.
import {
  H_RESERVE, H_RESVAL, WATCH_OFF, HART_REGION_OFF, HART_STRIDE,
  RESERVATION_GRANULE, CODE_ARMED, CODE_EPOCH_OFF,
} from "../layout";
import { ZONE_CTL_OFF, ZC_LR_LOCK, ZC_NHARTS } from "../../zone-block";
import { hart, ramOff } from "./state";
import { rawStore } from "./raw";

@inline export function watched(a: usize): bool {
  return load<u8>(<usize>WATCH_OFF + ((a - ramOff) >> 12)) != 0;
}

@inline function watchByte(a: usize): usize {
  return <usize>WATCH_OFF + ((a - ramOff) >> 12);
}

function lock(): void {
  while (atomic.cmpxchg<i32>(ZONE_CTL_OFF + ZC_LR_LOCK, 0, 1) != 0) {
    // Held only for a few instructions by another vCPU thread.
  }
}
function unlock(): void {
  atomic.store<i32>(ZONE_CTL_OFF + ZC_LR_LOCK, 0);
}

/** Drop this hart's reservation, if any (SC, trap entry, sret, a new LR). */
export function releaseReservation(): void {
  const r = atomic.xchg<i64>(hart + H_RESERVE, -1);
  if (held(r)) atomic.sub<u8>(watchByte(<usize>r), 1);
}

// A reservation word holds the wasm address of the reserved word; anything below guest RAM
// (-1, or 0 in never-initialised memory) means none.
@inline function held(r: i64): bool {
  return r >= <i64>ramOff;
}

/** LR: reserve the granule of wasm address a, then load (size 4 or 8). */
export function loadReserved(a: usize, size: u32): u64 {
  releaseReservation();
  atomic.add<u8>(watchByte(a), 1);
  atomic.store<i64>(hart + H_RESERVE, <i64>a);
  const v: u64 = size == 4 ? <u64>atomic.load<u32>(a) : atomic.load<u64>(a);
  store<u64>(hart + H_RESVAL, v);
  return v;
}

// Kill other harts' reservations in the granules touched by [a, a+size).
function killOthers(a: usize, size: u32): void {
  const n = atomic.load<i32>(ZONE_CTL_OFF + ZC_NHARTS);
  const g0 = a & ~(RESERVATION_GRANULE - 1);
  const g1 = (a + size - 1) & ~(RESERVATION_GRANULE - 1);
  for (let i = 0; i < n; i++) {
    const h = <usize>HART_REGION_OFF + <usize>i * <usize>HART_STRIDE;
    if (h == hart) continue;
    const r = atomic.load<i64>(h + H_RESERVE);
    if (!held(r)) continue;
    const g = <usize>r & ~(RESERVATION_GRANULE - 1);
    if ((g == g0 || g == g1) && atomic.cmpxchg<i64>(h + H_RESERVE, r, -1) == r) {
      atomic.sub<u8>(watchByte(<usize>r), 1);
    }
  }
}

/** Guest RAM at wasm address `a` was just written: if compiled code came from its page, say so. */
export function codeWritten(a: usize): void {
  const w = watchByte(a);
  if ((atomic.load<u8>(w) & CODE_ARMED) == 0) return;
  atomic.and<u8>(w, ~CODE_ARMED);
  atomic.add<u32>(<usize>CODE_EPOCH_OFF + (((a - ramOff) >> 12) << 2), 1);
}

/** A plain store to a page where some hart holds a reservation or that compiled code came from. */
export function storeWatched(a: usize, size: u32, v: u64): void {
  if ((load<u8>(watchByte(a)) & ~CODE_ARMED) != 0) {
    lock();
    killOthers(a, size);
    rawStore(a, size, v);
    unlock();
  } else {
    rawStore(a, size, v);
  }
  codeWritten(a);
}

/** Before an AMO to a watched page: kill reservations; returns with the lock held. */
export function amoWatchedBegin(a: usize, size: u32): void {
  lock();
  killOthers(a, size);
}
export function amoWatchedEnd(a: usize): void {
  unlock();
  codeWritten(a);
}

/** SC: succeeds only if this hart still holds the reservation for a (and the value is unchanged). */
export function storeConditional(a: usize, size: u32, v: u64): bool {
  lock();
  const r = atomic.xchg<i64>(hart + H_RESERVE, -1);
  let ok = false;
  if (held(r)) atomic.sub<u8>(watchByte(<usize>r), 1);
  if (r == <i64>a) {
    const expect = load<u64>(hart + H_RESVAL);
    if (size == 4) ok = atomic.cmpxchg<u32>(a, <u32>expect, <u32>v) == <u32>expect;
    else ok = atomic.cmpxchg<u64>(a, expect, v) == expect;
    if (ok) killOthers(a, size);
  }
  unlock();
  if (ok) codeWritten(a);
  return ok;
}
