// Static partitioning: which zone owns which host CPU, and the memory pool zones are carved from.
// Pure bookkeeping (no threads, no syscalls), so `tsvisor check` and the daemon share the rules.
import type { Arch } from "../engine/arch.js";
import { engineFor } from "../engine/registry.js";

/** A refusal, with the config field it is about (e.g. "zone.host_cpus"). */
export class PartitionError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export type ZoneKind = "user" | "realtime";

export interface CpuRequest {
  zone: string;
  kind: ZoneKind;
  /** zoneU opt-in to use CPUs that zone0 or other sharing zoneU use too. */
  share: boolean;
  count: number;
  /** One host CPU per vCPU; omitted: the lowest free CPUs are picked. */
  cpus?: readonly number[];
}

interface Holder {
  zone: string;
  kind: ZoneKind;
  share: boolean;
}

export const cpuList = (cpus: readonly number[]) => (cpus.length ? cpus.join(",") : "none");

export class CpuPartition {
  private readonly held = new Map<number, Holder[]>();
  private readonly byZone = new Map<string, number[]>();

  constructor(readonly hostCpus: readonly number[], readonly zone0Cpus: readonly number[]) {
    const bad = zone0Cpus.find((c) => !hostCpus.includes(c));
    if (bad !== undefined) {
      throw new PartitionError("zone0.host_cpus", `host CPU ${bad} does not exist here (usable host CPUs: ${cpuList(hostCpus)})`);
    }
  }

  /** Reserve CPUs for a zone; returns the host CPU of each vCPU. Throws PartitionError, reserving nothing. */
  claim(r: CpuRequest): number[] {
    if (this.byZone.has(r.zone)) throw new PartitionError("zone.name", `zone "${r.zone}" already holds host CPUs`);
    const cpus = r.cpus ? [...r.cpus] : this.pick(r);
    for (const c of cpus) this.check(r, c);
    for (const c of cpus) {
      const list = this.held.get(c) ?? [];
      list.push({ zone: r.zone, kind: r.kind, share: r.share });
      this.held.set(c, list);
    }
    this.byZone.set(r.zone, cpus);
    return cpus;
  }

  release(zone: string): void {
    for (const c of this.byZone.get(zone) ?? []) {
      const rest = (this.held.get(c) ?? []).filter((h) => h.zone !== zone);
      if (rest.length) this.held.set(c, rest);
      else this.held.delete(c);
    }
    this.byZone.delete(zone);
  }

  /** Zones holding each CPU (only CPUs held by some zone). */
  usage(): Map<number, string[]> {
    return new Map([...this.held].map(([c, hs]) => [c, hs.map((h) => h.zone)]));
  }

  /** Host CPUs neither zone0 nor any zone holds. */
  get free(): number[] {
    return this.hostCpus.filter((c) => !this.zone0Cpus.includes(c) && !this.held.has(c));
  }

  private pick(r: CpuRequest): number[] {
    const free = this.free;
    if (free.length < r.count) {
      throw new PartitionError("zone.cpus", `zone "${r.zone}" needs ${r.count} host CPU(s) but ${free.length} ` +
        `${free.length === 1 ? "is" : "are"} free (free: ${cpuList(free)}; zone0 keeps: ${cpuList(this.zone0Cpus)}): ` +
        `stop a zone, lower cpus, or choose host_cpus`);
    }
    return free.slice(0, r.count);
  }

  private check(r: CpuRequest, c: number): void {
    const who = `zone "${r.zone}"`;
    if (!this.hostCpus.includes(c)) {
      throw new PartitionError("zone.host_cpus", `${who}: host CPU ${c} does not exist here (usable host CPUs: ${cpuList(this.hostCpus)})`);
    }
    if (this.zone0Cpus.includes(c) && !(r.kind === "user" && r.share)) {
      throw new PartitionError("zone.host_cpus", `${who} and zone0 both want host CPU ${c} (zone0.host_cpus in the system ` +
        `file): pick another CPU${r.kind === "user" ? " or set share_cpus = true" : " (realtime zones never share)"}`);
    }
    for (const h of this.held.get(c) ?? []) {
      if (r.kind === "realtime" || h.kind === "realtime") {
        throw new PartitionError("zone.host_cpus", `${who} and zone "${h.zone}" both want host CPU ${c}: ` +
          `realtime zones never share CPUs, pick another CPU`);
      }
      if (!r.share || !h.share) {
        throw new PartitionError("zone.host_cpus", `${who} and zone "${h.zone}" both want host CPU ${c}: ` +
          `pick another CPU, or set share_cpus = true in both zones`);
      }
    }
  }
}

/** Pool bytes a zone takes: its guest RAM plus its engine's per-zone state in the same memory. */
export function zoneFootprint(memBytes: number, arch: Arch): number {
  return memBytes + engineFor(arch).ramOffset;
}

const mib = (n: number) => `${+(n / 1024 ** 2).toFixed(1)} MiB`;

export class MemoryPool {
  private readonly held = new Map<string, number>();

  constructor(readonly total: number) {}

  get used(): number {
    let n = 0;
    for (const b of this.held.values()) n += b;
    return n;
  }
  get free(): number {
    return this.total - this.used;
  }

  /** Reserve a zone's footprint; throws PartitionError (reserving nothing) when it does not fit. */
  reserve(zone: string, memBytes: number, arch: Arch): void {
    if (this.held.has(zone)) throw new PartitionError("zone.name", `zone "${zone}" already holds pool memory`);
    const need = zoneFootprint(memBytes, arch);
    if (need > this.free) {
      const users = [...this.held].map(([z, b]) => `${z} ${mib(b)}`).join(", ");
      throw new PartitionError("zone.memory", `zone "${zone}" needs ${mib(need)} (memory ${mib(memBytes)} + ` +
        `${mib(need - memBytes)} engine state) but the pool has ${mib(this.free)} free of ${mib(this.total)}` +
        `${users ? ` (in use: ${users})` : ""}: lower memory, stop a zone, or raise pool.memory in the system file`);
    }
    this.held.set(zone, need);
  }

  release(zone: string): void {
    this.held.delete(zone);
  }
}

/**
 * The memory limit of a zone's process (its cgroup): guest RAM plus what the engine needs beside
 * it — the zone's shared-memory state (Engine.ramOffset), Node and V8 (~60 MiB), and per vCPU a
 * worker thread, a compiler thread and their compiled code. Measured in docs/security.md.
 */
export const ENGINE_ALLOWANCE = { base: 192 * 1024 ** 2, perVcpu: 64 * 1024 ** 2 };

export function zoneMemoryLimit(memBytes: number, cpus: number, arch: Arch): number {
  return zoneFootprint(memBytes, arch) + ENGINE_ALLOWANCE.base + ENGINE_ALLOWANCE.perVcpu * cpus;
}

/** Threads (pids) a zone's process may have: Node's own, the VMM, and per vCPU two threads. */
export function zonePidsLimit(cpus: number): number {
  return 64 + 4 * cpus;
}
