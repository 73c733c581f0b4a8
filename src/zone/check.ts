// `tsvisor check`: validate zone files together, as the daemon would place them side by side on
// this host. Every problem is reported (file: field: fix), not just the first.
import { ConfigError, loadZoneConfig, type ZoneConfig } from "../config/zone-config.js";
import type { SystemConfig } from "../config/system-config.js";
import { CpuPartition, MemoryPool, PartitionError } from "./partition.js";
import { preflightZone } from "./preflight.js";
import { diskConflicts, type DiskHolder } from "./disk-conflicts.js";

export interface CheckResult {
  problems: string[];
  /** The zones that passed, with the host CPUs each would get. */
  placed: { config: ZoneConfig; hostCpus: number[] }[];
}

export function checkZones(files: readonly string[], system: SystemConfig, hostCpus: readonly number[]): CheckResult {
  const problems: string[] = [];
  const placed: CheckResult["placed"] = [];
  let cpus: CpuPartition | undefined;
  try {
    cpus = new CpuPartition(hostCpus, system.zone0Cpus);
  } catch (e) {
    if (!(e instanceof PartitionError)) throw e;
    problems.push(`${system.file}: ${e.field}: ${e.message}`);
  }
  const pool = new MemoryPool(system.poolBytes);
  const names = new Map<string, string>();
  const ids = new Map<number, string>();
  const loaded: DiskHolder[] = [];
  for (const file of files) {
    let c: ZoneConfig;
    try {
      c = loadZoneConfig(file);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.message.split("\n"));
      continue;
    }
    const mine = preflightZone(c);
    const other = names.get(c.name);
    if (other !== undefined) mine.push(`${file}: zone.name: "${c.name}" is also the name of the zone in ${other}: names must be unique`);
    const otherId = c.id !== undefined ? ids.get(c.id) : undefined;
    if (otherId !== undefined) mine.push(`${file}: zone.id: ${c.id} is also the id of the zone in ${otherId}: ids must be unique`);
    mine.push(...diskConflicts(c, loaded));
    loaded.push({ cfg: c });
    names.set(c.name, file);
    if (c.id !== undefined) ids.set(c.id, file);
    let got: number[] | undefined;
    // Only zones that are otherwise fine take CPUs and memory, so one error does not cascade.
    if (mine.length === 0 && cpus) {
      try {
        got = cpus.claim({ zone: c.name, kind: c.kind, share: c.shareCpus ?? false, count: c.cpus, cpus: c.hostCpus });
        pool.reserve(c.name, c.memBytes);
      } catch (e) {
        if (!(e instanceof PartitionError)) throw e;
        if (got) cpus.release(c.name);
        got = undefined;
        mine.push(`${file}: ${e.field}: ${e.message}`);
      }
    }
    problems.push(...mine);
    if (mine.length === 0 && got) placed.push({ config: c, hostCpus: got });
  }
  return { problems, placed };
}
