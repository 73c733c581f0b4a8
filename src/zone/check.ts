// `tsvisor check`: validate zone files together, as the daemon would place them side by side on
// this host. Every problem of every file is reported in one pass ("file: field: what: fix"): the
// schema is checked field by field (config/field-check.ts), and the parts that passed still go
// through the daemon's own start checks (preflight.ts: files, disks, TAPs, memory rules), the CPU
// and memory partition, and the checks between zones (names, ids, disks, TAPs).
import { ConfigError, inspectZoneConfig, readConfigText, type ZoneConfig, type ZoneParts } from "../config/zone-config.js";
import type { SystemConfig } from "../config/system-config.js";
import { CpuPartition, MemoryPool, PartitionError } from "./partition.js";
import { preflightProblems } from "./preflight.js";
import { diskConflicts, type DiskHolder } from "./disk-conflicts.js";

export interface CheckResult {
  /** One entry per problem; a TOML syntax error carries the line with a caret on further lines. */
  problems: string[];
  /** The zones that passed, with the host CPUs each would get. */
  placed: { config: ZoneConfig; hostCpus: number[] }[];
}

/** The set of zones seen so far, for the checks between zones. */
class Seen {
  readonly names = new Map<string, string>();
  readonly ids = new Map<number, string>();
  readonly taps = new Map<string, string>();
  readonly disks: DiskHolder[] = [];

  /** Problems of `p` against the zones before it; then `p` joins them. */
  clashes(p: ZoneParts): string[] {
    const out: string[] = [];
    const other = p.name !== undefined ? this.names.get(p.name) : undefined;
    if (other !== undefined) out.push(`${p.file}: zone.name: "${p.name}" is also the name of the zone in ${other}: names must be unique`);
    const otherId = p.id !== undefined ? this.ids.get(p.id) : undefined;
    if (otherId !== undefined) out.push(`${p.file}: zone.id: ${p.id} is also the id of the zone in ${otherId}: ids must be unique`);
    for (const d of p.devices ?? []) {
      if (d.type !== "net") continue;
      const holder = this.taps.get(d.tap);
      if (holder !== undefined) {
        out.push(`${p.file}: device.${d.index}.tap: TAP ${d.tap} is also a network device of the zone in ${holder}: ` +
          "a TAP has one zone at a time: give each zone its own TAP");
      }
    }
    out.push(...diskConflicts(p, this.disks));
    this.disks.push({ cfg: p });
    if (p.name !== undefined && other === undefined) this.names.set(p.name, p.file);
    if (p.id !== undefined && otherId === undefined) this.ids.set(p.id, p.file);
    for (const d of p.devices ?? []) if (d.type === "net" && !this.taps.has(d.tap)) this.taps.set(d.tap, p.file);
    return out;
  }
}

/** The zone's CPUs and memory from the partition, as far as its fields allow; problems as lines. */
function place(p: ZoneParts, key: string, cpus: CpuPartition | undefined, pool: MemoryPool, memoryOk: boolean): { got?: number[]; problems: string[] } {
  const problems: string[] = [];
  let got: number[] | undefined;
  const cpuFieldsOk = p.kind !== undefined && p.cpus !== undefined && p.shareCpus !== undefined && !p.bad.has("zone.host_cpus");
  try {
    if (cpus && cpuFieldsOk) got = cpus.claim({ zone: key, kind: p.kind!, share: p.shareCpus!, count: p.cpus!, cpus: p.hostCpus });
  } catch (e) {
    if (!(e instanceof PartitionError)) throw e;
    problems.push(`${p.file}: ${e.field}: ${e.message}`);
  }
  try {
    if (p.memBytes !== undefined && p.arch !== undefined && memoryOk) pool.reserve(key, p.memBytes, p.arch);
  } catch (e) {
    if (!(e instanceof PartitionError)) throw e;
    problems.push(`${p.file}: ${e.field}: ${e.message}`);
  }
  return { got, problems };
}

/** `texts`: the content of some files, given instead of read (a config pasted into the web console). */
export function checkZones(files: readonly string[], system: SystemConfig, hostCpus: readonly number[],
  texts?: ReadonlyMap<string, string>): CheckResult {
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
  const seen = new Seen();
  for (const file of files) {
    let text: string;
    try {
      text = texts?.get(file) ?? readConfigText(file, "zone config");
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(e.message);
      continue;
    }
    const ins = inspectZoneConfig(text, file);
    const mine = ins.problems.map((p, i) => (i === 0 && ins.excerpt ? `${p}\n${ins.excerpt}` : p));
    const pre = preflightProblems(ins.parts);
    mine.push(...pre.map((x) => `${file}: ${x.field}: ${x.message}`));
    const clashes = seen.clashes(ins.parts);
    mine.push(...clashes);
    // A zone whose name another file has takes CPUs and memory under its file name, so both count.
    const key = ins.parts.name !== undefined && !clashes.some((c) => c.includes(": zone.name: ")) ? ins.parts.name : file;
    const memoryOk = !pre.some((x) => x.field === "zone.memory");
    const { got, problems: placing } = place(ins.parts, key, cpus, pool, memoryOk);
    mine.push(...placing);
    problems.push(...mine);
    if (mine.length === 0 && ins.config && got) placed.push({ config: ins.config, hostCpus: got });
  }
  return { problems, placed };
}
