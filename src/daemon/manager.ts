// zone0's zone manager: owns the CPU partition and the memory pool, starts zones on their own
// threads, follows their lifecycle (poweroff, reboot, error) and keeps each zone's console. A
// zone's failure changes only that zone's record; nothing here throws out of an event callback.
import type { ZoneConfig } from "../config/zone-config.js";
import type { SystemConfig } from "../config/system-config.js";
import type { ZoneOutcome } from "../engine/exit.js";
import { Zone } from "../zone/zone.js";
import { CpuPartition, MemoryPool, PartitionError, zoneFootprint } from "../zone/partition.js";
import { preflightZone } from "../zone/preflight.js";
import { failAt } from "../zone/fault-points.js";
import { diskConflicts } from "../zone/disk-conflicts.js";
import { ConsoleRing } from "./console-ring.js";
import type { ZoneInfo, ZoneList, ZoneState } from "./api-types.js";

/** A refused request: HTTP status + message (+ each config problem). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problems?: string[]) {
    super(message);
  }
}

/** Guest reboots this many times in a row, each this soon after booting: a loop, the zone ends in `error`. */
export const REBOOT_LOOP = { count: 3, withinMs: 30_000 };
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;

export interface ConsoleWatcher {
  data(d: Buffer): void;
  end(): void;
}

interface Managed {
  id: number;
  cfg: ZoneConfig;
  hostCpus: number[];
  state: ZoneState;
  reason?: string;
  exitCode?: number;
  startedAt?: number;
  reboots: number;
  quickReboots: number;
  zone?: Zone;
  ended?: Promise<ZoneOutcome>;
  restarting?: Promise<void>;
  booting: boolean;
  holds: boolean;
  stopping: boolean;
  rebootRequested: boolean;
  ring: ConsoleRing;
  watchers: Set<ConsoleWatcher>;
}

export interface ManagerOptions {
  system: SystemConfig;
  /** Host CPUs this process may use (its affinity when the daemon started). */
  hostCpus: number[];
  socket?: string;
  log?: (msg: string) => void;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ZoneManager {
  readonly cpus: CpuPartition;
  readonly pool: MemoryPool;
  private readonly zones = new Map<number, Managed>();
  private readonly born = Date.now();
  private closing = false;

  constructor(private readonly o: ManagerOptions) {
    try {
      this.cpus = new CpuPartition(o.hostCpus, o.system.zone0Cpus);
    } catch (e) {
      throw new ApiError(400, `${o.system.file}: ${e instanceof PartitionError ? `${e.field}: ` : ""}${errMsg(e)}`);
    }
    this.pool = new MemoryPool(o.system.poolBytes);
  }

  private log(msg: string): void {
    try {
      this.o.log?.(msg);
    } catch {
      // logging must never take the daemon down
    }
  }

  /** Reserve, boot and wait until every vCPU runs on its CPU. Refusals leave nothing behind. */
  async start(cfg: ZoneConfig): Promise<ZoneInfo> {
    if (this.closing) throw new ApiError(503, "the daemon is shutting down");
    this.checkUnique(cfg);
    const disks = diskConflicts(cfg, [...this.zones.values()].filter((r) => !this.isEnded(r)));
    if (disks.length) throw new ApiError(409, disks.join("\n"), disks);
    const problems = preflightZone(cfg);
    if (problems.length) throw new ApiError(422, problems.join("\n"), problems);
    const rec: Managed = {
      id: cfg.id ?? this.freeId(), cfg, hostCpus: [], state: "starting", reboots: 0, quickReboots: 0,
      booting: false, holds: false, stopping: false, rebootRequested: false, ring: new ConsoleRing(), watchers: new Set(),
    };
    this.reserve(rec);
    this.zones.set(rec.id, rec);
    try {
      await this.boot(rec);
    } catch (e) {
      this.release(rec);
      if (this.zones.get(rec.id) === rec) this.zones.delete(rec.id);
      throw e;
    }
    this.log(`zone ${cfg.name} (id ${rec.id}, ${cfg.kind}) running on host CPUs ${rec.hostCpus.join(",")}`);
    return this.info(rec);
  }

  /** Forced stop: the guest gets no say; CPUs, memory and the record are released. */
  async shutdown(ref: string): Promise<ZoneInfo> {
    const rec = this.find(ref);
    rec.stopping = true;
    if (rec.zone && rec.ended) await this.stopZone(rec.zone, rec.ended);
    this.release(rec);
    if (rec.state !== "error") rec.state = "off";
    this.endWatchers(rec);
    if (this.zones.get(rec.id) === rec) this.zones.delete(rec.id);
    this.log(`zone ${rec.cfg.name} shut down`);
    return this.info(rec);
  }

  /** Restart with the same config: a running zone is stopped first; an ended one is booted again. */
  async reboot(ref: string): Promise<ZoneInfo> {
    const rec = this.find(ref);
    if (rec.state === "running" && rec.zone && rec.ended) {
      rec.rebootRequested = true;
      rec.zone.stop();
      await rec.ended;
      await rec.restarting;
    } else if (rec.state === "off" || rec.state === "error") {
      if (this.closing) throw new ApiError(503, "the daemon is shutting down");
      this.reserve(rec);
      try {
        await this.boot(rec);
      } catch (e) {
        this.fail(rec, errMsg(e));
        throw e;
      }
    } else {
      throw new ApiError(409, `zone ${rec.cfg.name} is ${rec.state}: wait until it runs, then reboot it`);
    }
    if (rec.state !== "running") throw new ApiError(422, rec.reason ?? `zone ${rec.cfg.name} did not come back`);
    return this.info(rec);
  }

  list(): ZoneList {
    return {
      zone0: {
        pid: process.pid, socket: this.o.socket ?? "", system: this.o.system.file,
        hostCpus: [...this.o.system.zone0Cpus], usableHostCpus: [...this.o.hostCpus], freeHostCpus: this.cpus.free,
        pool: { total: this.pool.total, used: this.pool.used, free: this.pool.free },
        uptimeSeconds: Math.floor((Date.now() - this.born) / 1000),
      },
      zones: [...this.zones.values()].sort((a, b) => a.id - b.id).map((r) => this.info(r)),
    };
  }

  get(ref: string): ZoneInfo {
    return this.info(this.find(ref));
  }

  /** Console: replays the buffered output, then follows. Input goes to the guest while it runs. */
  attach(ref: string, w: ConsoleWatcher): { replay: Buffer; live: boolean; input(d: Uint8Array): void; detach(): void } {
    const rec = this.find(ref);
    const live = rec.state === "running" || rec.state === "starting" || rec.state === "rebooting";
    if (live) rec.watchers.add(w);
    return {
      replay: rec.ring.snapshot(),
      live,
      input: (d) => rec.zone?.input(d),
      detach: () => rec.watchers.delete(w),
    };
  }

  /** Daemon exit: stop every zone and wait for its threads. */
  async stopAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.zones.values()].map((r) => this.shutdown(String(r.id)).catch(() => undefined)));
  }

  private find(ref: string): Managed {
    if (/^\d+$/.test(ref)) {
      const r = this.zones.get(Number(ref));
      if (r) return r;
    }
    for (const r of this.zones.values()) if (r.cfg.name === ref) return r;
    throw new ApiError(404, `no zone "${ref}" (by id or name): see tsvisor zone list`);
  }

  private freeId(): number {
    let id = 1;
    while (this.zones.has(id)) id++;
    return id;
  }

  private isEnded(r: Managed): boolean {
    return (r.state === "off" || r.state === "error") && !r.holds;
  }

  // Names and ids are unique among zones; an ended zone's record gives way to a new start.
  private checkUnique(cfg: ZoneConfig): void {
    for (const r of [...this.zones.values()]) {
      const sameName = r.cfg.name === cfg.name;
      const sameId = cfg.id !== undefined && r.id === cfg.id;
      if (!sameName && !sameId) continue;
      if (this.isEnded(r)) {
        this.zones.delete(r.id);
        continue;
      }
      const where = `zone "${r.cfg.name}" (id ${r.id}, ${r.cfg.file}) is ${r.state}`;
      if (sameName) throw new ApiError(409, `${cfg.file}: zone.name: ${where}: choose another name, or shut that zone down first`);
      throw new ApiError(409, `${cfg.file}: zone.id: id ${cfg.id} is taken: ${where}: choose another id or leave it out`);
    }
  }

  private reserve(rec: Managed): void {
    const c = rec.cfg;
    const refuse = (e: unknown) =>
      e instanceof PartitionError ? new ApiError(409, `${c.file}: ${e.field}: ${e.message}`) : new ApiError(500, `zone ${c.name}: ${errMsg(e)}`);
    try {
      failAt("reserve-cpus");
      rec.hostCpus = this.cpus.claim({ zone: c.name, kind: c.kind, share: c.shareCpus ?? false, count: c.cpus, cpus: c.hostCpus });
    } catch (e) {
      throw refuse(e);
    }
    try {
      failAt("reserve-memory");
      this.pool.reserve(c.name, c.memBytes);
    } catch (e) {
      this.cpus.release(c.name);
      throw refuse(e);
    }
    rec.holds = true;
  }

  private release(rec: Managed): void {
    if (!rec.holds) return;
    this.cpus.release(rec.cfg.name);
    this.pool.release(rec.cfg.name);
    rec.holds = false;
  }

  // One boot of the zone's threads; resolves once all vCPUs are pinned and running.
  private async boot(rec: Managed): Promise<void> {
    const c = rec.cfg;
    const zone = new Zone({
      name: c.name, cpus: c.cpus, memBytes: c.memBytes, kernel: c.kernel, initrd: c.initrd, cmdline: c.cmdline,
      hostCpus: rec.hostCpus, lockMemory: c.kind === "realtime", devices: c.devices,
    });
    zone.on("console", (d: Buffer) => this.onConsole(rec, d));
    zone.on("log", (m: string) => this.log(m));
    rec.state = rec.state === "rebooting" ? "rebooting" : "starting";
    rec.reason = undefined;
    rec.exitCode = undefined;
    rec.booting = true;
    try {
      const ready = new Promise<"ready">((res) => zone.once("ready", () => res("ready")));
      let ended: Promise<ZoneOutcome>;
      try {
        await zone.load(); // kernel and initrd read off the event loop: the API stays responsive
        if (rec.stopping) throw new ApiError(409, `zone ${c.name} was shut down while starting`);
        ended = zone.start();
      } catch (e) {
        throw e instanceof ApiError ? e : new ApiError(422, `${c.file}: ${errMsg(e)}`);
      }
      rec.zone = zone;
      rec.ended = ended;
      ended.then((o) => this.onEnded(rec, zone, o), (e) => this.log(`zone ${c.name}: internal error: ${errMsg(e)}`));
      let timer: NodeJS.Timeout | undefined;
      const first = await Promise.race([ready, ended.then(() => "ended" as const),
        new Promise<"timeout">((res) => { timer = setTimeout(() => res("timeout"), READY_TIMEOUT_MS); })]);
      clearTimeout(timer);
      if (first === "ready") {
        rec.state = "running";
        rec.startedAt = Date.now();
        return;
      }
      const out = await this.stopZone(zone, ended);
      rec.zone = undefined;
      if (rec.stopping) throw new ApiError(409, `zone ${c.name} was shut down while starting`);
      if (first === "timeout") throw new ApiError(500, `zone ${c.name}: its vCPU threads did not start within ${READY_TIMEOUT_MS / 1000} s`);
      throw new ApiError(422, out.state === "error" ? out.reason : `zone ${c.name} ended (${out.state}) before its vCPUs ran`);
    } finally {
      rec.booting = false;
    }
  }

  private async stopZone(zone: Zone, ended: Promise<ZoneOutcome>): Promise<ZoneOutcome> {
    zone.stop();
    const t = setTimeout(() => zone.terminate(), STOP_GRACE_MS);
    try {
      return await ended;
    } finally {
      clearTimeout(t);
    }
  }

  private onConsole(rec: Managed, d: Buffer): void {
    rec.ring.push(d);
    for (const w of rec.watchers) {
      try {
        w.data(d);
      } catch {
        rec.watchers.delete(w);
      }
    }
  }

  private endWatchers(rec: Managed): void {
    for (const w of rec.watchers) {
      try {
        w.end();
      } catch {
        // a console client that is already gone
      }
    }
    rec.watchers.clear();
  }

  private fail(rec: Managed, reason: string): void {
    if (rec.stopping) return;
    rec.state = "error";
    rec.reason = reason;
    this.release(rec);
    this.endWatchers(rec);
    this.log(`zone ${rec.cfg.name} failed: ${reason}`);
  }

  private onEnded(rec: Managed, zone: Zone, out: ZoneOutcome): void {
    if (rec.zone !== zone || rec.booting || rec.stopping) return; // boot() / shutdown() handle these
    rec.zone = undefined;
    const asked = rec.rebootRequested;
    rec.rebootRequested = false;
    if (out.state === "reboot" || asked) {
      rec.restarting = this.restart(rec, !asked).catch((e) => this.fail(rec, errMsg(e)));
    } else if (out.state === "poweroff") {
      rec.state = "off";
      rec.exitCode = out.code;
      this.release(rec);
      this.endWatchers(rec);
      this.log(`zone ${rec.cfg.name} powered off (code ${out.code})`);
    } else {
      this.fail(rec, out.reason);
    }
  }

  private async restart(rec: Managed, byGuest: boolean): Promise<void> {
    rec.reboots++;
    const quick = byGuest && Date.now() - (rec.startedAt ?? 0) < REBOOT_LOOP.withinMs;
    rec.quickReboots = quick ? rec.quickReboots + 1 : 0;
    if (rec.quickReboots >= REBOOT_LOOP.count) {
      const panic = lastPanic(rec.ring.snapshot().toString("latin1"));
      this.fail(rec, `zone ${rec.cfg.name}: reboot loop: the guest rebooted ${rec.quickReboots} times in a row, each within ` +
        `${REBOOT_LOOP.withinMs / 1000} s of booting${panic ? ` (last kernel panic: ${panic})` : ""}`);
      return;
    }
    this.log(`zone ${rec.cfg.name} rebooting (${byGuest ? "guest request" : "API request"})`);
    // a visible boundary for anyone reading the console history
    this.onConsole(rec, Buffer.from(`\r\n[tsvisor: zone ${rec.cfg.name} rebooting]\r\n`));
    rec.state = "rebooting";
    await this.boot(rec);
  }

  private info(r: Managed): ZoneInfo {
    const c = r.cfg;
    const up = r.state === "running" && r.startedAt !== undefined;
    return {
      id: r.id, name: c.name, kind: c.kind, arch: "riscv64", state: r.state,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      vcpus: r.hostCpus.map((h, i) => ({ vcpu: i, hostCpu: h, tid: r.zone?.vcpuTids[i] ?? 0 })),
      shareCpus: c.shareCpus ?? false,
      memory: c.memBytes, poolBytes: r.holds ? zoneFootprint(c.memBytes) : 0,
      memoryLocked: c.kind === "realtime" && r.holds,
      boot: { kernel: c.kernel, ...(c.initrd !== undefined ? { initrd: c.initrd } : {}), cmdline: c.cmdline },
      file: c.file,
      ...(r.startedAt !== undefined ? { startedAt: new Date(r.startedAt).toISOString() } : {}),
      ...(up ? { uptimeSeconds: Math.floor((Date.now() - r.startedAt!) / 1000) } : {}),
      reboots: r.reboots,
      console: { bufferedBytes: r.ring.size, attached: r.watchers.size },
    };
  }
}

/** The message of the last "Kernel panic - not syncing" line in console text, if any. */
export function lastPanic(text: string): string | undefined {
  const all = [...text.matchAll(/Kernel panic - not syncing: ([^\r\n]*)/g)];
  return all.length ? all[all.length - 1][1].trim() : undefined;
}
