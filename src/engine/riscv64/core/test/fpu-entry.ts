// Test entry for the FPU: a wasm module exposing execFp plus register accessors over one
// hart region, so tests/fpu.test.ts can drive single instructions without the full core.
import { setHartBase, getX, setX, getF, setF, getFcsr, setFcsr, getStatus, setStatus } from "../state";
import { execFp } from "../fpu";

export { execFp };

export function init(hartBase: usize): void {
  setHartBase(hartBase, 0, 0);
}
export function getXReg(i: u32): u64 {
  return getX(i);
}
export function setXReg(i: u32, v: u64): void {
  setX(i, v);
}
export function getFReg(i: u32): u64 {
  return getF(i);
}
export function setFReg(i: u32, v: u64): void {
  setF(i, v);
}
export function getFcsrReg(): u32 {
  return getFcsr();
}
export function setFcsrReg(v: u32): void {
  setFcsr(v);
}
export function getStatusReg(): u64 {
  return getStatus();
}
export function setStatusReg(v: u64): void {
  setStatus(v);
}

// Runs one instruction with the given operands and fcsr; returns execFp's verdict
// (1 ok, 0 illegal). Operands go to f1..f3 / x1, the result is read from f4 / x4.
export function run(insn: u32, a: u64, b: u64, c: u64, fcsr: u32): i32 {
  setF(1, a);
  setF(2, b);
  setF(3, c);
  setX(1, a);
  setF(4, 0);
  setX(4, 0);
  setFcsr(fcsr);
  return execFp(insn) ? 1 : 0;
}

// Micro-benchmark helper: executes `insn` n times (operands as left in f1..f3 / x1).
export function bench(insn: u32, n: i32): i32 {
  let ok = 0;
  for (let i = 0; i < n; i++) ok += execFp(insn) ? 1 : 0;
  return ok;
}
