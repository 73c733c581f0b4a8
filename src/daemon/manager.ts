// zone0's zone manager: owns the CPU partition and the memory pool, runs each zone in a process
// of its own (in its own cgroup), follows its lifecycle (poweroff, reboot, error, crash) and
// keeps each zone's console. A zone's failure changes only that zone's record; nothing here
// throws out of an event callback. Zone processes outlive the daemon: a new daemon on the same
// socket finds them again (recover()).
import { mkdirSync } from "node:fs";
import type { ZoneConfig } from "../config/zone-config.js";
import type { SystemConfig } from "../config/system-config.js";
import { CpuPartition, MemoryPool, PartitionError, zoneFootprint, zoneMemoryLimit, zonePidsLimit } from "../zone/partition.js";
import { preflightZone } from "../zone/preflight.js";
import { armedFault, failAt } from "../zone/fault-points.js";
import { ConsoleRing } from "../zone/console-ring.js";
import { isEnded, type ZoneRecord, type ZoneStatus } from "../zone/zone-link.js";
import { detectCgroups, openZoneCgroup, type CgroupHost, type ZoneCgroup } from "../host/cgroup.js";
import { storedRecords, ZoneHandle } from "./zone-handle.js";
import { diskConflicts } from "../zone/disk-conflicts.js";
import type { ZoneInfo, ZoneList, ZoneState } from "./api-types.js";
import { ZoneEventLog } from "./zone-events.js";

export { REBOOT_LOOP } from "../zone/zone-runner.js";

/** A refused request: HTTP status + message (+ each config problem). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problems?: string[]) {
    super(message);
  }
}

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
  status?: ZoneStatus;
  proc?: ZoneHandle;
  holds: boolean;
  /** boot() is waiting for the process to run: it, not onGone(), handles an early end. */
  booting: boolean;
  stopping: boolean;
  ring: ConsoleRing;
  watchers: Set<ConsoleWatcher>;
  /** The state last written to the event log (so each change is logged once). */
  logged?: ZoneState;
}

export interface ManagerOptions {
  system: SystemConfig;
  /** Host CPUs this process may use (its affinity when the daemon started). */
  hostCpus: number[];
  /** Where zone processes keep their records and link sockets (made 0700). */
  zonesDir: string;
  socket?: string;
  log?: (msg: string) => void;
  /** Override cgroup detection (tests); default: what this host has. */
  cgroups?: CgroupHost | { warning: string };
}

/** Test hook: the fault to plant in a zone's process (armed in-process, or TSVISOR_TEST_FAULT=<zone>:<fault>). */
function faultFor(zone: string): string | undefined {
  const [name, fault] = (process.env.TSVISOR_TEST_FAULT ?? "").split(":");
  return name === zone && fault ? fault : armedFault();
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ZoneManager {
  readonly cpus: CpuPartition;
  readonly pool: MemoryPool;
  readonly cgroups: CgroupHost | undefined;
  /** Every state change of every zone, bounded (the web console's Events page and state histories). */
  readonly events = new ZoneEventLog();
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
    mkdirSync(o.zonesDir, { recursive: true, mode: 0o700 });
    const cg = o.cgroups ?? detectCgroups();
    if ("warning" in cg) {
      this.cgroups = undefined;
      this.log(`warning: ${cg.warning}`);
    } else {
      this.cgroups = cg;
    }
  }

  private log(msg: string): void {
    try {
      this.o.log?.(msg);
    } catch {
      // logging must never take the daemon down
    }
  }

  /** Find the zone processes an earlier daemon on this socket left running, and take them back. */
  async recover(): Promise<void> {
    for (const r of storedRecords(this.o.zonesDir)) {
      if (this.zones.has(r.id)) continue;
      const rec = this.record(r.cfg, r.id);
      rec.hostCpus = r.hostCpus;
      this.zones.set(rec.id, rec);
      try {
        rec.hostCpus = this.cpus.claim({ zone: r.cfg.name, kind: r.cfg.kind, share: r.cfg.shareCpus ?? false, count: r.cfg.cpus, cpus: r.hostCpus });
        this.pool.reserve(r.cfg.name, r.cfg.memBytes, r.cfg.arch);
        rec.holds = true;
      } catch (e) {
        this.cpus.release(r.cfg.name);
        this.log(`zone ${r.cfg.name}: found running, but it does not fit this daemon's partition: ${errMsg(e)}`);
      }
      const cg = r.cgroup ? openZoneCgroup(r.cgroup.version, r.cgroup.dirs) : undefined;
      const h = await ZoneHandle.adopt(this.o.zonesDir, r, cg, zoneMemoryLimit(r.cfg.memBytes, r.cfg.cpus, r.cfg.arch));
      this.follow(rec, h);
      if (h.outcome) {
        // it ended while no daemon was there (its end file, or how the kernel saw it die)
        this.onGone(rec, h, h.outcome);
        continue;
      }
      rec.state = h.status.state;
      this.moved(rec);
      this.log(`zone ${r.cfg.name} (id ${r.id}) found running in process ${h.pid}`);
    }
  }

  /** Reserve, start the zone's process and wait until every vCPU runs on its CPU. Refusals leave nothing behind. */
  async start(cfg: ZoneConfig): Promise<ZoneInfo> {
    if (this.closing) throw new ApiError(503, "the daemon is shutting down");
    this.checkUnique(cfg);
    const disks = diskConflicts(cfg, [...this.zones.values()].filter((r) => !this.isEnded(r)));
    if (disks.length) throw new ApiError(409, disks.join("\n"), disks);
    const problems = preflightZone(cfg);
    if (problems.length) throw new ApiError(422, problems.join("\n"), problems);
    const rec = this.record(cfg, cfg.id ?? this.freeId());
    this.reserve(rec);
    this.zones.set(rec.id, rec);
    try {
      await this.boot(rec);
    } catch (e) {
      this.release(rec);
      if (this.zones.get(rec.id) === rec) this.zones.delete(rec.id);
      throw e;
    }
    this.log(`zone ${cfg.name} (id ${rec.id}, ${cfg.kind}) running on host CPUs ${rec.hostCpus.join(",")} in process ${rec.proc?.pid}`);
    return this.info(rec);
  }

  /** Forced stop: the guest gets no say; CPUs, memory and the record are released. */
  async shutdown(ref: string): Promise<ZoneInfo> {
    const rec = this.find(ref);
    rec.stopping = true;
    if (rec.proc && !rec.proc.ended) {
      const proc = rec.proc;
      const gone = new Promise((res) => proc.once("gone", res));
      proc.stop();
      await gone;
    }
    this.release(rec);
    if (!isEnded(rec.state)) {
      rec.state = "off";
      this.moved(rec, "shut down");
    }
    this.endWatchers(rec);
    if (this.zones.get(rec.id) === rec) this.zones.delete(rec.id);
    this.log(`zone ${rec.cfg.name} shut down`);
    return this.info(rec);
  }

  /** Restart with the same config: a running zone reboots in its process; an ended one gets a new process. */
  async reboot(ref: string): Promise<ZoneInfo> {
    const rec = this.find(ref);
    if (rec.state === "running" && rec.proc && !rec.proc.ended) {
      const proc = rec.proc;
      const back = new Promise<void>((res) => {
        let left = false;
        const onStatus = (s: ZoneStatus) => {
          if (s.state === "rebooting") left = true;
          else if (left && s.state !== "starting") done();
        };
        const done = () => {
          proc.off("status", onStatus);
          proc.off("gone", done);
          res();
        };
        proc.on("status", onStatus);
        proc.once("gone", done);
      });
      proc.reboot();
      await back;
    } else if (isEnded(rec.state)) {
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
        cgroups: this.cgroups ? `v${this.cgroups.version}` : "none",
      },
      zones: [...this.zones.values()].sort((a, b) => a.id - b.id).map((r) => this.info(r)),
    };
  }

  get(ref: string): ZoneInfo {
    return this.info(this.find(ref));
  }

  /** The zone's config as the daemon runs it (paths resolved, defaults filled in). */
  config(ref: string): ZoneConfig {
    return this.find(ref).cfg;
  }

  /**
   * The newest instruction counts of zone `id`'s vCPUs (undefined: none yet, or its engine does
   * not count), and a request for the next ones (one at a time per zone).
   */
  vcpuCounts(id: number): { at: number; instret: bigint[] } | undefined {
    const proc = this.zones.get(id)?.proc;
    if (!proc || proc.ended) return undefined;
    proc.requestCounts();
    return proc.counts;
  }

  /** Console: replays the buffered output, then follows. Input goes to the guest while it runs. */
  attach(ref: string, w: ConsoleWatcher): { replay: Buffer; live: boolean; input(d: Uint8Array): void; detach(): void } {
    const rec = this.find(ref);
    const live = rec.state === "running" || rec.state === "starting" || rec.state === "rebooting";
    if (live) rec.watchers.add(w);
    return {
      replay: rec.ring.snapshot(),
      live,
      input: (d) => rec.proc?.input(d),
      detach: () => rec.watchers.delete(w),
    };
  }

  /** Daemon exit: stop every zone and wait for its process. */
  async stopAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.zones.values()].map((r) => this.shutdown(String(r.id)).catch(() => undefined)));
  }

  /** Daemon exit that leaves the zones running (a new daemon recovers them). */
  detachAll(): void {
    this.closing = true;
    for (const r of this.zones.values()) r.proc?.detach();
  }

  private record(cfg: ZoneConfig, id: number): Managed {
    return { id, cfg, hostCpus: [], state: "starting", holds: false, booting: false, stopping: false, ring: new ConsoleRing(), watchers: new Set() };
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
    return isEnded(r.state) && !r.holds && (!r.proc || r.proc.ended);
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
      this.pool.reserve(c.name, c.memBytes, c.arch);
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

  private makeCgroup(rec: Managed): ZoneCgroup | undefined {
    if (!this.cgroups) return undefined;
    const c = rec.cfg;
    const cpus = [...new Set([...rec.hostCpus, ...this.o.system.zone0Cpus])].sort((a, b) => a - b);
    try {
      // The daemon's pid in the name keeps two daemons (tests, or a stale one) apart.
      return this.cgroups.create(`zone${rec.id}-${c.name}-${process.pid}`,
        { cpus, memoryBytes: zoneMemoryLimit(c.memBytes, c.cpus, c.arch), pids: zonePidsLimit(c.cpus) });
    } catch (e) {
      throw new ApiError(500, `zone ${c.name}: cannot make its cgroup: ${errMsg(e)}`);
    }
  }

  // Start the zone's process; resolves once all its vCPUs are pinned and running.
  private async boot(rec: Managed): Promise<void> {
    const c = rec.cfg;
    rec.state = "starting";
    this.moved(rec);
    rec.reason = undefined;
    rec.exitCode = undefined;
    rec.status = undefined;
    const cg = this.makeCgroup(rec);
    const r: ZoneRecord = {
      id: rec.id, cfg: c, hostCpus: rec.hostCpus, zone0Cpus: [...this.o.system.zone0Cpus],
      ...(cg ? { cgroup: { version: cg.version, dirs: cg.dirs } } : {}),
      ...(faultFor(c.name) ? { fault: faultFor(c.name) } : {}),
    };
    let proc: ZoneHandle;
    try {
      proc = ZoneHandle.spawn(this.o.zonesDir, r, cg, zoneMemoryLimit(c.memBytes, c.cpus, c.arch));
    } catch (e) {
      cg?.remove();
      throw new ApiError(500, `zone ${c.name}: cannot start its process: ${errMsg(e)}`);
    }
    rec.booting = true;
    this.follow(rec, proc);
    let first: ZoneStatus;
    try {
      first = await new Promise<ZoneStatus>((res) => {
        const onStatus = (s: ZoneStatus) => {
          if (s.state === "running") done(s);
        };
        const done = (s: ZoneStatus) => {
          proc.off("status", onStatus);
          proc.off("gone", done);
          res(s);
        };
        proc.on("status", onStatus);
        proc.once("gone", done);
      });
    } finally {
      rec.booting = false;
    }
    if (first.state !== "running") {
      rec.proc = undefined;
      if (rec.stopping) throw new ApiError(409, `zone ${c.name} was shut down while starting`);
      throw new ApiError(422, first.reason ?? `zone ${c.name} ended (${first.state}) before its vCPUs ran`);
    }
  }

  /** From now on, the process's reports change this record. */
  private follow(rec: Managed, proc: ZoneHandle): void {
    rec.proc = proc;
    proc.on("console", (d: Buffer) => this.onConsole(rec, d));
    proc.on("log", (m: string) => this.log(m));
    proc.on("status", (s: ZoneStatus) => {
      if (rec.proc !== proc) return;
      rec.status = s;
      if (s.state === "running" || s.state === "rebooting" || s.state === "starting") rec.state = s.state;
      this.moved(rec);
    });
    proc.once("gone", (s: ZoneStatus) => this.onGone(rec, proc, s));
    if (proc.ended) return;
    rec.status = proc.status;
    rec.state = proc.status.state;
    this.moved(rec);
  }

  /** Log the zone's state if it changed since it was last logged. */
  private moved(rec: Managed, reason = rec.reason): void {
    if (rec.state === rec.logged) return;
    rec.logged = rec.state;
    this.events.add(rec.id, rec.cfg.name, rec.state, isEnded(rec.state) ? reason : undefined);
  }

  private onConsole(rec: Managed, view: Buffer): void {
    rec.ring.push(view); // copies
    if (rec.watchers.size === 0) return;
    const d = Buffer.from(view); // the view is the link's read buffer: watchers queue what they get
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
    this.moved(rec);
    this.release(rec);
    this.endWatchers(rec);
    this.log(`zone ${rec.cfg.name} failed: ${reason}`);
  }

  private onGone(rec: Managed, proc: ZoneHandle, s: ZoneStatus): void {
    if (rec.proc !== proc) return;
    rec.status = s;
    if (rec.stopping || rec.booting) return; // shutdown() / boot() handle the record
    if (s.state === "off" || s.state === "failed" || s.state === "panicked") {
      rec.state = s.state;
      rec.reason = s.reason;
      rec.exitCode = s.exitCode;
      this.moved(rec);
      this.release(rec);
      this.endWatchers(rec);
      this.log(s.reason ?? `zone ${rec.cfg.name} powered off`);
    } else {
      this.fail(rec, s.reason ?? `zone ${rec.cfg.name}: ended for an unknown reason`);
    }
  }

  private info(r: Managed): ZoneInfo {
    const c = r.cfg;
    const s = r.status;
    const up = r.state === "running" && s?.startedAt !== undefined;
    const live = r.proc && !r.proc.ended;
    return {
      id: r.id, name: c.name, kind: c.kind, arch: c.arch, state: r.state,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      vcpus: r.hostCpus.map((h, i) => ({ vcpu: i, hostCpu: h, tid: live ? s?.tids[i] ?? 0 : 0 })),
      shareCpus: c.shareCpus ?? false,
      memory: c.memBytes, poolBytes: r.holds ? zoneFootprint(c.memBytes, c.arch) : 0,
      memoryLocked: c.kind === "realtime" && r.holds,
      boot: { kernel: c.kernel, ...(c.initrd !== undefined ? { initrd: c.initrd } : {}), cmdline: c.cmdline },
      file: c.file,
      process: {
        pid: live ? r.proc!.pid : 0,
        cgroup: live ? r.proc!.cgroup?.dirs ?? [] : [],
        memoryLimit: live && r.proc!.cgroup ? zoneMemoryLimit(c.memBytes, c.cpus, c.arch) : 0,
      },
      ...(s?.startedAt !== undefined && !isEnded(r.state) ? { startedAt: new Date(s.startedAt).toISOString() } : {}),
      ...(up ? { uptimeSeconds: Math.floor((Date.now() - s!.startedAt!) / 1000) } : {}),
      reboots: s?.reboots ?? 0,
      console: {
        bufferedBytes: r.ring.size, attached: r.watchers.size, droppedBytes: r.ring.dropped + (s?.consoleDropped ?? 0),
        droppedInputBytes: r.proc?.inputDropped ?? 0,
      },
    };
  }
}
