// Telling from a zone's console that its Linux guest panicked. Linux ends panic() (with panic=0,
// i.e. no reboot) by printing "---[ end Kernel panic - not syncing: <message> ]---" and then
// spins in mdelay() for ever: a zone in that loop would hold its CPU and look `running`. With
// panic=N > 0 the kernel reboots itself instead and never prints the end line, so the zone's
// reboot handling (and its loop detection) sees it. Every console path (UART, SBI console,
// virtio console) goes through the zone's console ring, so watching that stream covers them all.

const START = "Kernel panic - not syncing: ";
const END = "---[ end Kernel panic - not syncing: ";
/** Longest panic message kept (Linux formats it into a 1 KiB buffer; one line is plenty). */
export const PANIC_MESSAGE_MAX = 200;
/** Bytes carried from one console chunk to the next, so a marker split between chunks is found. */
const CARRY = END.length + PANIC_MESSAGE_MAX + 8;

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
    const at = text.lastIndexOf(END);
    if (at >= 0) {
      const rest = text.slice(at + END.length);
      const eol = rest.search(/ \]---|[\r\n]/);
      if (eol >= 0) {
        this.carry = "";
        return rest.slice(0, Math.min(eol, PANIC_MESSAGE_MAX)).trim();
      }
      if (rest.length > PANIC_MESSAGE_MAX) {
        // a message too long to wait for its end: what we have is the panic line
        this.carry = "";
        return rest.slice(0, PANIC_MESSAGE_MAX).trim();
      }
      this.carry = text.slice(at); // the line is still coming
      return undefined;
    }
    this.carry = text.slice(-CARRY);
    return undefined;
  }
}
