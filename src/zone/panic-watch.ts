// Telling from a zone's console that its Linux guest panicked — and not believing the console
// alone: any guest user can print the panic line (echo, cat of an old log). A line is a suspect;
// PanicConfirm (below) stops the zone only once the guest behaves like a dead kernel.
// Linux ends panic() (with panic=0, i.e. no reboot) by printing "---[ end Kernel panic - not syncing: <message> ]---" and then
// spins in mdelay() for ever: a zone in that loop would hold its CPU and look `running`. With
// panic=N > 0 the kernel reboots itself instead and never prints the end line, so the zone's
// reboot handling (and its loop detection) sees it. Every console path (UART, SBI console,
// virtio console) goes through the zone's console ring, so watching that stream covers them all.
import type { VcpuActivity } from "../engine/engine.js";

const START = "Kernel panic - not syncing: ";
const END = "---[ end Kernel panic - not syncing: ";
/** The start of the end-of-panic line. */
export const PANIC_END_MARK = END;
/** Longest panic message kept (Linux formats it into a 1 KiB buffer; one line is plenty). */
export const PANIC_MESSAGE_MAX = 200;
/** Bytes carried from one console chunk to the next, so a marker split between chunks is found. */
const CARRY = END.length + PANIC_MESSAGE_MAX + 8;

/** Replace control bytes (ESC sequences could rewrite an operator's terminal) in guest text we print. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, "?");
}

/** The message of the last "Kernel panic - not syncing" line in console text, if any. */
export function lastPanic(text: string): string | undefined {
  const all = [...text.matchAll(new RegExp(`${START}([^\\r\\n]*)`, "g"))];
  return all.length ? all[all.length - 1][1].trim() : undefined;
}

/**
 * Fed every console chunk; answers the panic message once the end-of-panic line is complete.
 * Costs one indexOf per chunk over at most CARRY extra bytes: no state grows with the output.
 */
export class PanicWatch {
  private carry = "";

  feed(chunk: Uint8Array): string | undefined {
    const text = this.carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("latin1");
    let at = text.lastIndexOf(END);
    // Only at the start of a line (after printk's optional "[    1.234567] " timestamp).
    if (at >= 0 && !/(^|[\r\n])(\[[ 0-9.]*\] ?)?$/.test(text.slice(Math.max(0, at - 24), at))) at = -1;
    if (at >= 0) {
      const rest = text.slice(at + END.length);
      const eol = rest.search(/ \]---|[\r\n]/);
      if (eol >= 0) {
        this.carry = "";
        return printable(rest.slice(0, Math.min(eol, PANIC_MESSAGE_MAX)).trim());
      }
      if (rest.length > PANIC_MESSAGE_MAX) {
        // a message too long to wait for its end: what we have is the panic line
        this.carry = "";
        return printable(rest.slice(0, PANIC_MESSAGE_MAX).trim());
      }
      this.carry = text.slice(at); // the line is still coming
      return undefined;
    }
    this.carry = text.slice(-CARRY);
    return undefined;
  }
}

/**
 * Console output after a panic line: `eol` once that line has ended; `spoke` when anything was
 * printed on a later line (a dead kernel prints nothing more; a shell prints its prompt).
 */
export function afterPanicLine(text: string, eol: boolean): { eol: boolean; spoke: boolean } {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) eol = true;
    else if (eol) return { eol, spoke: true };
  }
  return { eol, spoke: false };
}

/** How long a suspected panic must look like one before the zone is stopped. */
export const PANIC_CONFIRM_MS = 2000;
/** A panicked vCPU spins in mdelay(): at least this many instructions per confirmation window. */
const SPIN_INSNS = 10_000_000; // an idle kernel retires far fewer; a spinning vCPU runs tens of millions a second

/**
 * After a panic line, sample the vCPUs until PANIC_CONFIRM_MS have passed: a dead kernel prints
 * nothing more, never runs user code, and at least one vCPU spins (the panicking one, in
 * mdelay; the others are parked). A shell user who printed the line gets a prompt printed
 * after it, runs user code, or leaves the system idle — any of which clears the suspicion.
 */
export class PanicConfirm {
  private readonly first: bigint[];
  private userSeen = false;

  constructor(readonly message: string, sample: VcpuActivity, readonly since = Date.now()) {
    this.first = sample.instret;
  }

  /** One more sample; returns true when the window is over and everything looked like a panic. */
  observe(sample: VcpuActivity, now = Date.now()): boolean {
    this.userSeen ||= sample.inUser;
    if (now - this.since < PANIC_CONFIRM_MS) return false;
    const spun = sample.instret.some((n, i) => n - this.first[i] >= BigInt(SPIN_INSNS));
    return !this.userSeen && spun;
  }

  /** Whether the window is over (confirmed or not). */
  done(now = Date.now()): boolean {
    return now - this.since >= PANIC_CONFIRM_MS;
  }
}
