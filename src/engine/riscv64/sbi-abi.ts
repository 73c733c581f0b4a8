// What every part of tsvisor's SBI shares: the calling convention (error codes, extension ids,
// how a call returns), and what the SBI layer needs from the vCPU thread of the calling hart.
import type { HartView } from "./hart-view.js";
import type { FwftState } from "./sbi-fwft.js";

// SBI v3.0 §Binary Encoding, "Standard SBI Errors".
export const SBI_SUCCESS = 0n;
export const SBI_ERR_FAILED = -1n;
export const SBI_ERR_NOT_SUPPORTED = -2n;
export const SBI_ERR_INVALID_PARAM = -3n;
export const SBI_ERR_DENIED = -4n;
export const SBI_ERR_INVALID_ADDRESS = -5n;
export const SBI_ERR_ALREADY_AVAILABLE = -6n;
export const SBI_ERR_DENIED_LOCKED = -14n;

export const EXT_BASE = 0x10;
export const EXT_TIME = 0x54494d45;
export const EXT_IPI = 0x735049;
export const EXT_RFENCE = 0x52464e43;
export const EXT_HSM = 0x48534d;
export const EXT_SRST = 0x53525354;
export const EXT_DBCN = 0x4442434e;
export const EXT_SUSP = 0x53555350;
export const EXT_FWFT = 0x46574654;

/** What the SBI layer needs from the vCPU thread hosting the calling hart. */
export interface SbiHost {
  readonly self: HartView;
  readonly harts: readonly HartView[];
  /** This hart's firmware features (FWFT): owned by its vCPU thread, reset when the hart starts. */
  readonly fwft: FwftState;
  /** Whether [pa, pa+len) is guest RAM (len may be anything a guest passes). */
  inRam(pa: bigint, len: bigint): boolean;
  /** Guest physical RAM view of [pa, pa+len), or null if outside RAM. */
  guestBytes(pa: bigint, len: number): Uint8Array | null;
  /** Console output: takes what fits in the zone's console ring now; returns how many bytes. */
  consoleWrite(bytes: Uint8Array): number;
  /**
   * Wait a little (bounded, a few ms) for room in the console ring, serving this hart's remote
   * fence requests meanwhile; returns early when there is room or the zone ends.
   */
  consoleWait(): void;
  /** Up to `max` bytes of pending console input (may be empty). */
  consoleRead(max: number): Uint8Array;
  flushLocalTlb(): void;
  /** fence.i on this hart: drop compiled code whose guest bytes changed. */
  flushLocalCode(): void;
  systemReset(kind: "poweroff" | "reboot", code: number): void;
  /** Diagnostics the guest can trigger at will: the host rate-limits them per `kind`. */
  log(kind: string, msg: string): void;
}

/** What the vCPU loop must do after the call. */
export type SbiAction = "continue" | "stop" | "suspend" | "suspend-nonretentive" | "reset";

/**
 * An extension's handler: the action, or null when it has no function `fid` (the dispatcher
 * then answers SBI_ERR_NOT_SUPPORTED). a0..a5 are the call's arguments.
 */
export type SbiExtension = (host: SbiHost, fid: number, a: readonly bigint[]) => SbiAction | null;

/** Return (error, value) in a0/a1 and step over the ecall (v0.2+ calling convention). */
export function ret(h: HartView, err: bigint, val: bigint): SbiAction {
  h.setX(10, err);
  h.setX(11, val);
  h.pc = h.pc + 4n;
  return "continue";
}

/** A 32-bit parameter: "higher privilege software must ensure that it only uses 32 bit data". */
export function u32(v: bigint): number {
  return Number(BigInt.asUintN(32, v));
}
