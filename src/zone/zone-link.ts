// The link between the daemon and a zone process: one Unix stream socket per zone, carrying
// framed messages both ways. Both ends use this module, so the framing, the message shapes and
// the bounds are written once. Frame: kind (u8), payload length (u32 BE), payload.
//   CONTROL  JSON, either way (status and logs from the zone; stop / reboot from the daemon)
//   CONSOLE  guest output, zone -> daemon
//   INPUT    keyboard input, daemon -> zone
import type { Socket } from "node:net";
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

export type ZoneToDaemon =
  | { type: "status"; pid: number; status: ZoneStatus }
  | { type: "log"; msg: string };

export type DaemonToZone =
  | { type: "stop" } // forced stop: the guest gets no say; the process ends
  | { type: "reboot" }; // restart the guest with the same config

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

/** Parse frames from a socket and dispatch them; a malformed stream destroys the socket. */
export function readFrames(sock: Socket, h: LinkHandlers): void {
  // Chunks of a frame not complete yet, joined once when it is: joining at every chunk would copy
  // a 256 KiB frame over and over (garbage at the rate a flooding zone writes its console).
  let chunks: Buffer[] = [];
  let have = 0;
  let need = HEADER;
  sock.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    have += chunk.length;
    if (have < need) return;
    let pending = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
    chunks = [];
    have = 0;
    need = HEADER;
    while (pending.length >= HEADER) {
      const kind = pending[0];
      const len = pending.readUInt32BE(1);
      if (len > MAX_FRAME || kind < FRAME_CONTROL || kind > FRAME_INPUT) {
        h.error(`bad frame (kind ${kind}, ${len} bytes)`);
        sock.destroy();
        return;
      }
      if (pending.length < HEADER + len) {
        need = HEADER + len;
        break;
      }
      const payload = pending.subarray(HEADER, HEADER + len);
      pending = pending.subarray(HEADER + len);
      if (kind === FRAME_CONTROL) {
        let msg: unknown;
        try {
          msg = JSON.parse(payload.toString("utf8"));
        } catch {
          h.error("control frame is not JSON");
          sock.destroy();
          return;
        }
        h.control(msg);
      } else if (kind === FRAME_CONSOLE) {
        h.console?.(Buffer.from(payload));
      } else {
        h.input?.(Buffer.from(payload));
      }
    }
    if (pending.length > 0) {
      chunks.push(pending);
      have = pending.length;
    }
  });
}
