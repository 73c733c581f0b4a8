// Per-hart architectural state. Everything lives in the zone's shared memory at
// `hart` (this instance's hart region) so the host side can read it and so several
// instances (one per vCPU thread) can share one memory without clashing.
import {
  H_X, H_F, H_PC, H_PRIV, H_FCSR, H_STATUS,
} from "../layout";

export let hart: usize = 0; // base of this instance's hart region
export let ramOff: usize = 0; // wasm offset where guest RAM starts
export let ramSize: u64 = 0; // bytes of guest RAM

export function setHartBase(b: usize, off: usize, size: u64): void {
  hart = b;
  ramOff = off;
  ramSize = size;
}

// sstatus bits we implement
export const SSTATUS_SIE: u64 = 1 << 1;
export const SSTATUS_SPIE: u64 = 1 << 5;
export const SSTATUS_UBE: u64 = 1 << 6;
export const SSTATUS_SPP: u64 = 1 << 8;
export const SSTATUS_VS: u64 = 3 << 9;
export const SSTATUS_FS: u64 = 3 << 13;
export const SSTATUS_XS: u64 = 3 << 15;
export const SSTATUS_SUM: u64 = 1 << 18;
export const SSTATUS_MXR: u64 = 1 << 19;
export const SSTATUS_UXL: u64 = (<u64>3) << 32;
export const SSTATUS_SD: u64 = (<u64>1) << 63;
export const FS_OFF: u64 = 0;
export const FS_DIRTY: u64 = 3 << 13;

export const PRIV_U: i32 = 0;
export const PRIV_S: i32 = 1;

@inline export function getX(i: u32): u64 {
  return load<u64>(hart + H_X + (<usize>i << 3));
}
// x0 is kept zero by never writing it.
@inline export function setX(i: u32, v: u64): void {
  if (i != 0) store<u64>(hart + H_X + (<usize>i << 3), v);
}
@inline export function getF(i: u32): u64 {
  return load<u64>(hart + H_F + (<usize>i << 3));
}
// Writing an FP register marks the FP state dirty (sstatus.FS = Dirty), as Linux relies on for lazy save.
@inline export function setF(i: u32, v: u64): void {
  store<u64>(hart + H_F + (<usize>i << 3), v);
  store<u64>(hart + H_STATUS, load<u64>(hart + H_STATUS) | FS_DIRTY);
}
@inline export function getPc(): u64 {
  return load<u64>(hart + H_PC);
}
@inline export function setPc(v: u64): void {
  store<u64>(hart + H_PC, v);
}
@inline export function getPriv(): i32 {
  return load<i32>(hart + H_PRIV);
}
@inline export function getStatus(): u64 {
  return load<u64>(hart + H_STATUS);
}
@inline export function setStatus(v: u64): void {
  store<u64>(hart + H_STATUS, v);
}
@inline export function fpEnabled(): bool {
  return (load<u64>(hart + H_STATUS) & SSTATUS_FS) != FS_OFF;
}

// fcsr: frm in bits 7:5, fflags in bits 4:0
export const FFLAG_NX: u32 = 1; // inexact
export const FFLAG_UF: u32 = 2; // underflow
export const FFLAG_OF: u32 = 4; // overflow
export const FFLAG_DZ: u32 = 8; // divide by zero
export const FFLAG_NV: u32 = 16; // invalid
@inline export function getFcsr(): u32 {
  return load<u32>(hart + H_FCSR);
}
@inline export function setFcsr(v: u32): void {
  store<u32>(hart + H_FCSR, v & 0xff);
  store<u64>(hart + H_STATUS, load<u64>(hart + H_STATUS) | FS_DIRTY);
}
@inline export function getFrm(): u32 {
  return (load<u32>(hart + H_FCSR) >> 5) & 7;
}
// Accrue exception flags (sticky).
@inline export function raiseFflags(f: u32): void {
  if (f != 0) {
    store<u32>(hart + H_FCSR, load<u32>(hart + H_FCSR) | (f & 0x1f));
    store<u64>(hart + H_STATUS, load<u64>(hart + H_STATUS) | FS_DIRTY);
  }
}
