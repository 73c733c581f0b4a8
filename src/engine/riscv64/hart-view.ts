// Host-side view of one hart's region in the zone's shared memory (registers, CSRs, the
// cross-thread words). BigInt is fine here: this is the exit path, not the per-instruction path.
import * as L from "./layout.js";

export class HartView {
  readonly base: number;
  private readonly i32: Int32Array;
  private readonly u64: BigUint64Array;

  constructor(readonly buffer: SharedArrayBuffer | ArrayBuffer, readonly hartId: number) {
    if (hartId < 0 || hartId >= L.MAX_HARTS) throw new Error(`hart id ${hartId} out of range`);
    this.base = L.HART_REGION_OFF + hartId * L.HART_STRIDE;
    this.i32 = new Int32Array(buffer);
    this.u64 = new BigUint64Array(buffer);
  }

  /** Index of an i32 word at byte offset `off` of this hart's region (for Atomics). */
  word(off: number): number {
    return (this.base + off) >> 2;
  }
  get words(): Int32Array {
    return this.i32;
  }
  load64(off: number): bigint {
    return this.u64[(this.base + off) / 8];
  }
  store64(off: number, v: bigint): void {
    this.u64[(this.base + off) / 8] = BigInt.asUintN(64, v);
  }
  load32(off: number): number {
    return Atomics.load(this.i32, this.word(off));
  }
  store32(off: number, v: number): void {
    Atomics.store(this.i32, this.word(off), v | 0);
  }

  getX(i: number): bigint {
    return i === 0 ? 0n : this.load64(L.H_X + i * 8);
  }
  setX(i: number, v: bigint): void {
    if (i !== 0) this.store64(L.H_X + i * 8, v);
  }
  get pc(): bigint {
    return this.load64(L.H_PC);
  }
  set pc(v: bigint) {
    this.store64(L.H_PC, v);
  }

  /** Set pending-interrupt bits (sip positions) and wake the hart if it waits. */
  raiseIrq(bits: number): void {
    Atomics.or(this.i32, this.word(L.H_IP), bits);
    this.wake();
  }
  lowerIrq(bits: number): void {
    Atomics.and(this.i32, this.word(L.H_IP), ~bits);
  }
  wake(): void {
    Atomics.add(this.i32, this.word(L.H_WAKE), 1);
    Atomics.notify(this.i32, this.word(L.H_WAKE));
  }
  get hsmState(): number {
    return this.load32(L.H_HSM);
  }
  set hsmState(v: number) {
    this.store32(L.H_HSM, v);
  }
}

// SBI HSM states.
export const HSM_STARTED = 0;
export const HSM_STOPPED = 1;
export const HSM_START_PENDING = 2;
export const HSM_STOP_PENDING = 3;
export const HSM_SUSPENDED = 4;
/**
 * tsvisor's own step before START_PENDING: a starter has won the hart but not yet written its
 * start address; the hart's thread waits as if STOPPED. Reported to the guest as START_PENDING.
 */
export const HSM_START_CLAIMED = 0x102;

/** The SBI state id hart_get_status reports for a stored state. */
export function reportedHsmState(stored: number): number {
  return stored === HSM_START_CLAIMED ? HSM_START_PENDING : stored;
}

// sip bit positions.
export const SIP_SSIP = 1 << 1;
export const SIP_STIP = 1 << 5;
export const SIP_SEIP = 1 << 9;
