// The link between the daemon and a zone process: one Unix stream socket per zone, carrying
// framed messages both ways. Both ends use this module, so the framing, the message shapes and
// the bounds are written once. Frame: kind (u8), payload length (u32 BE), payload.
//   CONTROL  JSON, either way (status, logs and vCPU counts from the zone; stop / reboot and
//            requests for vCPU counts from the daemon)
//   CONSOLE  guest output, zone -> daemon
//   INPUT    keyboard input, daemon -> zone
import { connect, type NetConnectOpts, type Socket } from "node:net";
import { join } from "node:path";
import type { ZoneConfig } from "../config/zone-config.js";

export const FRAME_CONTROL = 1;
export const FRAME_CONSOLE = 2;
export const FRAME_INPUT = 3;
const HEADER = 5;
/** Largest payload a peer may send; a bigger frame is a protocol error and ends the link. */
export const MAX_FRAME = 256 * 1024;
/** Console output queued on the link before the zone stops draining the guest's console. */
export const LINK_HIGH_WATER = 512 * 1024;

/**
 * A zone's state. It ends in one of ENDED_STATES:
 *   off       the guest powered off reporting success, or the operator shut the zone down
 *   failed    the guest powered off reporting failure (SBI SRST "system failure", test finisher FAIL)
 *   panicked  the guest kernel panicked (Linux's end-of-panic line on its console); tsvisor stopped it
 *   error     the zone could not go on: the guest wedged (fatal trap), rebooted in a loop, or its
 *             threads or process failed
 */
export type ZoneRunState = "starting" | "running" | "rebooting" | "off" | "failed" | "panicked" | "error";
export const ENDED_STATES = ["off", "failed", "panicked", "error"] as const;
export type ZoneEndState = (typeof ENDED_STATES)[number];
export const isEnded = (s: ZoneRunState): s is ZoneEndState => (ENDED_STATES as readonly string[]).includes(s);

/** A zone process's state as it reports it (also written to its end file when it ends). */
export interface ZoneStatus {
  state: ZoneRunState;
  /** Why the zone ended, unless it is `off` (for `panicked`: the kernel's panic message). */
  reason?: string;
  /** The guest's exit status when it reported failure with one (state `failed`). */
  exitCode?: number;
  /** Linux thread id of each vCPU (0 until it runs). */
  tids: number[];
  /** ms since the epoch of the current boot. */
  startedAt?: number;
  reboots: number;
  /** Console bytes the zone's history ring dropped because nobody read them in time. */
  consoleDropped: number;
}

/**
 * What the daemon writes for a zone process before starting it, in the zones directory (mode
 * 0700, the daemon's own): the process reads it at startup, and a restarted daemon finds its
 * zones again through these files.
 */
export interface ZoneRecord {
  id: number;
  cfg: ZoneConfig;
  hostCpus: number[];
  /** zone0's CPUs: the zone's device and compiler threads run there (or on its own CPUs if none). */
  zone0Cpus: number[];
  /** The zone's cgroup directories, when the host has cgroups. */
  cgroup?: { version: 1 | 2; dirs: string[] };
  /** Test hook: a start step to fail, or "oom" (see fault-points.ts). */
  fault?: string;
  /** The zone process, once started (the daemon adds it). */
  pid?: number;
}

/** The files of zone `id` in the zones directory. */
export function zoneFiles(dir: string, id: number) {
  return {
    record: join(dir, `${id}.json`),
    /** The final status, written by the zone process as it ends (read by a daemon that was away). */
    end: join(dir, `${id}.end.json`),
    socket: join(dir, `${id}.sock`),
    /** The zone process's stderr: only a crash of the process itself writes there. */
    log: join(dir, `${id}.log`),
  };
}

/**
 * The instructions each vCPU has retired in the current boot, as the zone process read them at
 * `at` (ms since the epoch): decimal strings, because the counters are 64-bit. Empty when the
 * zone's engine does not count them (or no guest is running right now).
 */
export interface VcpuCounts {
  at: number;
  instret: string[];
}

export type ZoneToDaemon =
  | { type: "status"; pid: number; status: ZoneStatus }
  | { type: "log"; msg: string }
  | { type: "counts"; counts: VcpuCounts }; // the answer to one "counts" request

export type DaemonToZone =
  | { type: "stop" } // forced stop: the guest gets no say; the process ends
  | { type: "reboot" } // restart the guest with the same config
  | { type: "counts" }; // asks for the vCPUs' instruction counts: one "counts" answer each

/** What to do with each frame. `console`/`input` data is a view valid during the call only. */
export interface LinkHandlers {
  control(msg: unknown): void;
  console?(data: Buffer): void;
  input?(data: Buffer): void;
  /** The peer broke the protocol; the link is closed after this. */
  error(msg: string): void;
}

export function frame(kind: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out[0] = kind;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, HEADER);
  return out;
}

export function controlFrame(msg: ZoneToDaemon | DaemonToZone): Buffer {
  return frame(FRAME_CONTROL, Buffer.from(JSON.stringify(msg)));
}

/** Send bytes as frames of at most MAX_FRAME. Returns false when the socket asks to wait (drain). */
export function sendBytes(sock: Socket, kind: number, data: Uint8Array): boolean {
  let ok = true;
  for (let off = 0; off < data.length; off += MAX_FRAME) {
    ok = sock.write(frame(kind, data.subarray(off, off + MAX_FRAME))) && ok;
  }
  return ok;
}

/**
 * Frames out of a byte stream, however it is cut. Payloads handed to the handlers are views valid
 * only during the call (into the chunk being read, or into this decoder's one assembly buffer for
 * a frame that arrived in pieces): a handler that keeps data copies it. So a link carrying a
 * flooding zone's console allocates nothing per frame on this side.
 */
export class FrameDecoder {
  private readonly asm = Buffer.allocUnsafe(HEADER + MAX_FRAME); // a frame split across chunks
  private have = 0;
  private broken = false;

  constructor(private readonly h: LinkHandlers, private readonly onBroken: () => void) {}

  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length && !this.broken) {
      if (this.have > 0) { // complete the frame being assembled
        const need = this.have < HEADER ? HEADER : HEADER + this.asm.readUInt32BE(1);
        const n = Math.min(need - this.have, chunk.length - off);
        this.asm.set(chunk.subarray(off, off + n), this.have);
        this.have += n;
        off += n;
        if (this.have === HEADER && !this.checkHeader(this.asm, 0)) return;
        if (this.have >= HEADER && this.have === HEADER + this.asm.readUInt32BE(1)) {
          this.have = 0;
          this.dispatch(this.asm[0], this.asm.subarray(HEADER, HEADER + this.asm.readUInt32BE(1)));
        }
        continue;
      }
      const left = chunk.length - off;
      if (left >= HEADER) {
        if (!this.checkHeader(chunk, off)) return;
        const len = Buffer.from(chunk.buffer, chunk.byteOffset + off + 1, 4).readUInt32BE(0);
        if (left >= HEADER + len) { // whole frame in this chunk: no copy
          this.dispatch(chunk[off], chunk.subarray(off + HEADER, off + HEADER + len));
          off += HEADER + len;
          continue;
        }
      }
      this.asm.set(chunk.subarray(off), 0);
      this.have = left;
      off = chunk.length;
      if (this.have >= HEADER && !this.checkHeader(this.asm, 0)) return;
    }
  }

  private checkHeader(b: Uint8Array, at: number): boolean {
    const kind = b[at];
    const len = Buffer.from(b.buffer, b.byteOffset + at + 1, 4).readUInt32BE(0);
    if (len <= MAX_FRAME && kind >= FRAME_CONTROL && kind <= FRAME_INPUT) return true;
    this.fail(`bad frame (kind ${kind}, ${len} bytes)`);
    return false;
  }

  private fail(msg: string): void {
    this.broken = true;
    this.h.error(msg);
    this.onBroken();
  }

  private dispatch(kind: number, payload: Uint8Array): void {
    const data = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    if (kind === FRAME_CONTROL) {
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString("utf8"));
      } catch {
        this.fail("control frame is not JSON");
        return;
      }
      this.h.control(msg);
    } else if (kind === FRAME_CONSOLE) {
      this.h.console?.(data);
    } else {
      this.h.input?.(data);
    }
  }
}

/** Parse frames from a socket and dispatch them (views: see FrameDecoder); a malformed stream destroys the socket. */
export function readFrames(sock: Socket, h: LinkHandlers): void {
  const d = new FrameDecoder(h, () => sock.destroy());
  sock.on("data", (chunk: Buffer) => d.push(chunk));
}

/** Size of the one read buffer a link socket reads into (see connectLink). */
const READ_BUFFER = 64 * 1024;

/**
 * Connect to a zone's link socket reading into one fixed buffer (net's `onread`): with frames
 * decoded in place, a flooding zone's console costs the reader no allocation per read.
 */
export function connectLink(path: string, h: LinkHandlers): Socket {
  let decoder: FrameDecoder | undefined;
  const sock: Socket = connect({
    path,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER),
      callback: (n: number, buf: Uint8Array) => {
        decoder?.push(buf.subarray(0, n));
        return true;
      },
    },
  } satisfies NetConnectOpts);
  decoder = new FrameDecoder(h, () => sock.destroy());
  return sock;
}
