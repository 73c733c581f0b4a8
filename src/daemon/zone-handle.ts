// The daemon's side of one zone process: starts it (or finds a running one again after a daemon
// restart), talks to it over its link, and tells how it ended — from its own report, or, when it
// died without one, from the kernel (OOM killer in its cgroup, a signal, an exit code).
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { closeSync, existsSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import type { ZoneCgroup } from "../host/cgroup.js";
import { formatSize } from "../config/size.js";
import { DEFAULT_ARCH } from "../engine/arch.js";
import {
  connectLink, controlFrame, FRAME_INPUT, isEnded, LINK_HIGH_WATER, sendBytes, zoneFiles, type LinkHandlers,
  type DaemonToZone, type VcpuCounts, type ZoneRecord, type ZoneStatus, type ZoneToDaemon,
} from "../zone/zone-link.js";

const ZONE_PROCESS = fileURLToPath(new URL("../zone/zone-process.js", import.meta.url));
const CONNECT_TIMEOUT_MS = 20_000;
/** After a stop request: how long the process has to end before it is killed. */
export const KILL_AFTER_MS = 6_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether `pid` is a zone process of the zones directory `dir` (and not a reused pid). */
function isZoneProcess(pid: number, dir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv.includes(ZONE_PROCESS) && argv.includes(dir);
  } catch {
    return false;
  }
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The last non-empty line a crashed zone process wrote to its stderr (its log file). */
function lastLogLine(path: string): string | undefined {
  try {
    const lines = readFileSync(path, "utf8").slice(-4096).split("\n").map((l) => l.trim()).filter(Boolean);
    return lines.at(-1);
  } catch {
    return undefined;
  }
}

function tryConnect(path: string, h: LinkHandlers): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connectLink(path, h);
    s.once("connect", () => resolve(s));
    s.once("error", () => {
      s.destroy();
      resolve(undefined);
    });
  });
}

/** The zone's answer, if well formed: one count per vCPU, or none (its engine does not count). */
function parseCounts(c: VcpuCounts | undefined, cpus: number): ZoneHandle["counts"] {
  if (!c || typeof c.at !== "number" || !Array.isArray(c.instret) || c.instret.length > cpus) return undefined;
  if (!c.instret.every((n) => typeof n === "string" && /^\d{1,20}$/.test(n))) return undefined;
  return { at: c.at, instret: c.instret.map(BigInt) };
}

/**
 * Events: "status" (ZoneStatus), "console" (Buffer: a view valid during the event only — copy to
 * keep it), "log" (string), "gone" (final ZoneStatus).
 */
export class ZoneHandle extends EventEmitter {
  status: ZoneStatus = { state: "starting", tids: [], reboots: 0, consoleDropped: 0 };
  pid = 0;
  /** Keyboard bytes dropped because the zone process was not taking input (like a full tty). */
  inputDropped = 0;
  /** The zone's latest answer to requestCounts() (its vCPUs' retired instructions). */
  counts: { at: number; instret: bigint[] } | undefined;
  /** A counts request is on its way: at most one at a time, so a slow zone is asked no faster than it answers. */
  private countsAsked = false;
  private sock: Socket | undefined;
  private final: ZoneStatus | undefined;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  /** Set when this daemon started the process (its exit is then reported by Node). */
  private child: ChildProcess | undefined;

  private constructor(readonly dir: string, readonly rec: ZoneRecord, readonly cgroup: ZoneCgroup | undefined,
    private readonly memoryLimit: number | undefined) {
    super();
  }

  get files() {
    return zoneFiles(this.dir, this.rec.id);
  }

  get ended(): boolean {
    return this.final !== undefined;
  }

  /** How the zone ended (once it has). */
  get outcome(): ZoneStatus | undefined {
    return this.final;
  }

  /** Start a zone process for `rec` (its cgroup already made). */
  static spawn(dir: string, rec: ZoneRecord, cgroup: ZoneCgroup | undefined, memoryLimit: number | undefined): ZoneHandle {
    const h = new ZoneHandle(dir, rec, cgroup, memoryLimit);
    const f = h.files;
    for (const p of [f.end, f.socket]) rmSync(p, { force: true });
    writeFileSync(f.record, JSON.stringify(rec), { mode: 0o600 });
    const log = openSync(f.log, "w", 0o600);
    let child: ChildProcess;
    try {
      // Its own session: a terminal's Ctrl-C to the daemon, or the daemon's death, does not reach it.
      child = spawn(process.execPath, [ZONE_PROCESS, dir, String(rec.id)], { detached: true, stdio: ["ignore", "ignore", log] });
    } finally {
      closeSync(log);
    }
    h.child = child;
    h.pid = child.pid ?? 0;
    // (renamed into place: the starting process may be reading the first version right now)
    writeFileSync(`${f.record}.tmp`, JSON.stringify({ ...rec, pid: h.pid }), { mode: 0o600 });
    renameSync(`${f.record}.tmp`, f.record);
    child.once("exit", (code, signal) => {
      h.exit = { code, signal };
      h.finish();
    });
    child.once("error", (e) => {
      h.exit = { code: 1, signal: null };
      h.finish(`zone ${rec.cfg.name}: cannot start its process: ${e.message}`);
    });
    void h.connectLoop();
    return h;
  }

  /** A zone process a previous daemon started: connect to it, or learn how it ended. */
  static async adopt(dir: string, rec: ZoneRecord, cgroup: ZoneCgroup | undefined, memoryLimit: number | undefined): Promise<ZoneHandle> {
    const h = new ZoneHandle(dir, rec, cgroup, memoryLimit);
    const sock = await tryConnect(h.files.socket, h.linkHandlers());
    if (sock) {
      h.attach(sock);
      return h;
    }
    // Alive but unreachable (its socket was removed): it would hold CPUs nobody accounts for.
    if (rec.pid && isZoneProcess(rec.pid, dir)) {
      process.kill(rec.pid, "SIGKILL");
      h.pid = rec.pid;
      await h.waitGone(`zone ${rec.cfg.name}: its process ${rec.pid} no longer answered on its link and was killed`);
      return h;
    }
    h.exit = { code: null, signal: null };
    h.finish();
    return h;
  }

  stop(): void {
    this.send({ type: "stop" });
    this.killTimer ??= setTimeout(() => this.kill(), KILL_AFTER_MS);
  }

  reboot(): void {
    this.send({ type: "reboot" });
  }

  /** Ask the zone for its vCPUs' instruction counts (the answer lands in `counts`). */
  requestCounts(): void {
    if (this.countsAsked || !this.sock || this.sock.destroyed) return;
    this.countsAsked = true;
    this.send({ type: "counts" });
  }

  input(d: Uint8Array): void {
    if (!this.sock || this.sock.destroyed) return;
    if (this.sock.writableLength > LINK_HIGH_WATER) this.inputDropped += d.length;
    else sendBytes(this.sock, FRAME_INPUT, d);
  }

  /** SIGKILL: the last resort when the process does not honour a stop. */
  kill(): void {
    if (this.pid && !this.ended) {
      try {
        process.kill(this.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }

  /** The daemon exits but leaves the zone running: drop the link only. */
  detach(): void {
    clearTimeout(this.killTimer);
    this.child?.unref();
    this.sock?.destroy();
  }

  private send(m: DaemonToZone): void {
    if (this.sock && !this.sock.destroyed) this.sock.write(controlFrame(m));
  }

  private async connectLoop(): Promise<void> {
    const t0 = Date.now();
    while (!this.ended && Date.now() - t0 < CONNECT_TIMEOUT_MS) {
      const s = existsSync(this.files.socket) ? await tryConnect(this.files.socket, this.linkHandlers()) : undefined;
      if (s) {
        if (this.ended) s.destroy();
        else this.attach(s);
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!this.ended) {
      this.emit("log", `zone ${this.rec.cfg.name}: its process did not open its link within ${CONNECT_TIMEOUT_MS / 1000} s: killing it`);
      this.kill();
    }
  }

  /** What the link's frames do here (console payloads are views: see FrameDecoder). */
  private linkHandlers(): LinkHandlers {
    return {
      control: (msg) => {
        const m = msg as ZoneToDaemon;
        if (m?.type === "status") {
          this.pid = m.pid;
          this.status = m.status;
          this.emit("status", m.status);
        } else if (m?.type === "log" && typeof m.msg === "string") {
          this.emit("log", m.msg);
        } else if (m?.type === "counts") {
          this.countsAsked = false;
          this.counts = parseCounts(m.counts, this.rec.cfg.cpus);
        }
      },
      console: (d) => this.emit("console", d),
      error: (msg) => this.emit("log", `zone ${this.rec.cfg.name}: link: ${msg}`),
    };
  }

  private attach(sock: Socket): void {
    this.sock = sock;
    this.countsAsked = false; // a request on an earlier link is not answered on this one
    sock.on("error", () => sock.destroy());
    // A process this daemon did not start reports its end only by closing the link and exiting.
    sock.on("close", () => {
      if (this.exit === undefined && !this.child) void this.waitGone();
    });
  }

  private async waitGone(why?: string): Promise<void> {
    while (this.pid > 0 && alive(this.pid)) await new Promise((r) => setTimeout(r, 50));
    this.exit = { code: null, signal: null };
    this.finish(why);
  }

  private finish(why?: string): void {
    if (this.final) return;
    clearTimeout(this.killTimer);
    const f = this.files;
    const reported = readJson<ZoneStatus>(f.end);
    let final: ZoneStatus;
    if (reported && isEnded(reported.state)) {
      final = reported;
    } else {
      const name = this.rec.cfg.name;
      let reason = why;
      if (!reason && this.cgroup && this.cgroup.oomKills() > 0) {
        reason = `zone ${name}: out of memory: its process went past its memory limit` +
          `${this.memoryLimit ? ` (${formatSize(this.memoryLimit)}: guest RAM + engine allowance)` : ""} and the kernel's OOM killer ended it`;
      }
      if (!reason) {
        const e = this.exit;
        const how = e?.signal ? `was killed by ${e.signal}` : e?.code !== null && e?.code !== undefined
          ? `exited with code ${e.code}` : "ended";
        const line = lastLogLine(f.log);
        reason = `zone ${name}: its process ${how} without reporting an outcome${line ? ` (last words: ${line.slice(0, 200)})` : ""}`;
      }
      final = { ...this.status, state: "error", reason, tids: [] };
    }
    this.final = final;
    this.sock?.destroy();
    for (const p of [f.record, f.end, f.socket, f.log]) rmSync(p, { force: true });
    this.cgroup?.remove();
    this.emit("gone", final);
  }
}

/** Zone records left in `dir` by an earlier daemon. */
export function storedRecords(dir: string): ZoneRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: ZoneRecord[] = [];
  for (const n of names) {
    if (!/^\d+\.json$/.test(n)) continue;
    const r = readJson<ZoneRecord>(`${dir}/${n}`);
    if (!r || typeof r.id !== "number" || !r.cfg || !Array.isArray(r.hostCpus)) continue;
    r.cfg.arch ??= DEFAULT_ARCH; // written by a daemon from before zone configs named their arch
    out.push(r);
  }
  return out;
}
