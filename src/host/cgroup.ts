// Control groups for zone processes: each zone's process is confined to its host CPUs (cpuset),
// its memory (RAM + the engine's allowance) and a thread count (pids), so a zone that runs away
// is stopped by the kernel, not by the daemon's goodwill. cgroup v2 where the host has the three
// controllers on its unified tree, else the v1 hierarchies (Debian's hybrid layout), else none
// (the daemon says so once). The root is TSVISOR_CGROUP_ROOT or /sys/fs/cgroup.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ZoneLimits {
  cpus: readonly number[];
  memoryBytes: number;
  pids: number;
}

/** One zone's cgroup(s): a directory per v1 controller, or one v2 directory. */
export interface ZoneCgroup {
  readonly version: 1 | 2;
  /** Directories this zone owns (one for v2, one per controller for v1). */
  readonly dirs: string[];
  /** Move a process (all its threads) into the zone's cgroup(s). */
  addProcess(pid: number): void;
  /** How many times the kernel's OOM killer fired in this cgroup. */
  oomKills(): number;
  /** Current memory charged to the cgroup, in bytes. */
  memoryUsage(): number;
  /** Remove the directories (the process must be gone). Never throws. */
  remove(): void;
}

export interface CgroupHost {
  readonly version: 1 | 2;
  /** Where zone cgroups are made (per controller for v1). */
  readonly bases: string[];
  create(name: string, limits: ZoneLimits): ZoneCgroup;
}

/** A zone cgroup made earlier, from what was recorded of it (its zone process, a restarted daemon). */
export function openZoneCgroup(version: 1 | 2, dirs: string[]): ZoneCgroup {
  return version === 1 ? new V1Cgroup(dirs) : new V2Cgroup(dirs);
}

export class CgroupError extends Error {}

const V1_CONTROLLERS = ["memory", "cpuset", "pids"] as const;

function read(p: string): string {
  return readFileSync(p, "utf8");
}

function readOr(p: string, otherwise = ""): string {
  try {
    return read(p).trim();
  } catch {
    return otherwise;
  }
}

function write(p: string, v: string): void {
  try {
    writeFileSync(p, v);
  } catch (e) {
    throw new CgroupError(`cannot write "${v.trim()}" to ${p}: ${(e as Error).message}`);
  }
}

/** A key's number in a flat-keyed cgroup file ("oom_kill 3"), 0 when absent. */
function keyed(p: string, key: string): number {
  try {
    const m = new RegExp(`^${key} (\\d+)$`, "m").exec(read(p));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function number(p: string): number {
  try {
    return Number(read(p).trim()) || 0;
  } catch {
    return 0;
  }
}

/** This process's cgroup path for a v1 controller (or the v2 path for ""), from /proc/self/cgroup. */
export function ownCgroup(controller: string, procSelf = read("/proc/self/cgroup")): string {
  for (const line of procSelf.split("\n")) {
    const [, list, path] = line.split(":");
    if (path === undefined) continue;
    if (controller === "" ? list === "" : list.split(",").includes(controller)) return path;
  }
  return "/";
}

function removeDirs(dirs: string[]): void {
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      // already gone, or a process is still in it (it will be reported by the caller's checks)
    }
  }
}

class V1Cgroup implements ZoneCgroup {
  readonly version = 1;
  constructor(readonly dirs: string[]) {}
  private dir(c: string): string | undefined {
    return this.dirs.find((d) => d.includes(`/${c}/`));
  }
  addProcess(pid: number): void {
    for (const d of this.dirs) write(join(d, "cgroup.procs"), `${pid}\n`);
  }
  oomKills(): number {
    const m = this.dir("memory");
    return m ? keyed(join(m, "memory.oom_control"), "oom_kill") : 0;
  }
  memoryUsage(): number {
    const m = this.dir("memory");
    return m ? number(join(m, "memory.usage_in_bytes")) : 0;
  }
  remove(): void {
    removeDirs(this.dirs);
  }
}

class V2Cgroup implements ZoneCgroup {
  readonly version = 2;
  constructor(readonly dirs: string[]) {}
  addProcess(pid: number): void {
    write(join(this.dirs[0], "cgroup.procs"), `${pid}\n`);
  }
  oomKills(): number {
    return keyed(join(this.dirs[0], "memory.events"), "oom_kill");
  }
  memoryUsage(): number {
    return number(join(this.dirs[0], "memory.current"));
  }
  remove(): void {
    removeDirs(this.dirs);
  }
}

function makeDir(d: string): void {
  try {
    mkdirSync(d, { recursive: true });
  } catch (e) {
    throw new CgroupError(`cannot create cgroup ${d}: ${(e as Error).message}`);
  }
}

/** v1: a "tsvisor" group under this process's own group in each of memory, cpuset and pids. */
function v1Host(root: string, procSelf: string): CgroupHost {
  const bases = V1_CONTROLLERS.map((c) => join(root, c, ownCgroup(c, procSelf), "tsvisor"));
  const setupCpuset = (base: string) => {
    // A new cpuset group is empty and takes no process until it has CPUs and memory nodes.
    const parent = join(base, "..");
    for (const f of ["cpuset.cpus", "cpuset.mems"]) {
      if (readOr(join(base, f)) === "") write(join(base, f), readOr(join(parent, f)) || "0");
    }
  };
  return {
    version: 1,
    bases,
    create(name, l) {
      const dirs: string[] = [];
      try {
        for (const [i, c] of V1_CONTROLLERS.entries()) {
          makeDir(bases[i]);
          const d = join(bases[i], name);
          makeDir(d);
          dirs.push(d);
          if (c === "memory") {
            write(join(d, "memory.limit_in_bytes"), `${l.memoryBytes}\n`);
            // Without swap accounting this is absent; with it, no swapping past the limit either.
            if (existsSync(join(d, "memory.memsw.limit_in_bytes"))) {
              write(join(d, "memory.memsw.limit_in_bytes"), `${l.memoryBytes}\n`);
            }
          } else if (c === "cpuset") {
            setupCpuset(bases[i]);
            write(join(d, "cpuset.mems"), readOr(join(bases[i], "cpuset.mems"), "0"));
            write(join(d, "cpuset.cpus"), l.cpus.join(","));
          } else {
            write(join(d, "pids.max"), `${l.pids}\n`);
          }
        }
      } catch (e) {
        removeDirs(dirs);
        throw e;
      }
      return new V1Cgroup(dirs);
    },
  };
}

/**
 * v2: zones live under <root>/tsvisor (the root group is exempt from the rule that a group with
 * controllers for its children holds no processes, which the daemon's own group would break).
 */
function v2Host(unified: string): CgroupHost {
  const base = join(unified, "tsvisor");
  const enable = (dir: string) => {
    const want = ["cpuset", "memory", "pids"];
    const have = readOr(join(dir, "cgroup.subtree_control")).split(/\s+/);
    const missing = want.filter((c) => !have.includes(c));
    if (missing.length) write(join(dir, "cgroup.subtree_control"), missing.map((c) => `+${c}`).join(" "));
  };
  return {
    version: 2,
    bases: [base],
    create(name, l) {
      enable(unified);
      makeDir(base);
      enable(base);
      const d = join(base, name);
      makeDir(d);
      try {
        write(join(d, "memory.max"), `${l.memoryBytes}\n`);
        if (existsSync(join(d, "memory.swap.max"))) write(join(d, "memory.swap.max"), "0\n");
        if (existsSync(join(d, "memory.oom.group"))) write(join(d, "memory.oom.group"), "1\n");
        write(join(d, "cpuset.cpus"), l.cpus.join(","));
        write(join(d, "pids.max"), `${l.pids}\n`);
      } catch (e) {
        removeDirs([d]);
        throw e;
      }
      return new V2Cgroup([d]);
    },
  };
}

function controllersOf(dir: string): string[] {
  try {
    return read(join(dir, "cgroup.controllers")).trim().split(/\s+/);
  } catch {
    return [];
  }
}

/**
 * The cgroup setup zones can use here, or why none can be (a warning for the operator).
 * v2 needs a unified tree offering cpuset, memory and pids; v1 needs the three hierarchies.
 */
export function detectCgroups(root = process.env.TSVISOR_CGROUP_ROOT ?? "/sys/fs/cgroup",
  procSelf?: string): CgroupHost | { warning: string } {
  const self = procSelf ?? (() => {
    try {
      return read("/proc/self/cgroup");
    } catch {
      return "";
    }
  })();
  const need = ["cpuset", "memory", "pids"];
  for (const unified of [root, join(root, "unified")]) {
    const have = controllersOf(unified);
    if (need.every((c) => have.includes(c))) return v2Host(unified);
  }
  const v1 = V1_CONTROLLERS.every((c) => existsSync(join(root, c, "cgroup.procs")));
  if (v1) return v1Host(root, self);
  return {
    warning: `no usable cgroups under ${root} (need cgroup v2 with the cpuset, memory and pids controllers, ` +
      `or the v1 memory, cpuset and pids hierarchies): zones run without kernel-enforced CPU, memory and thread limits`,
  };
}
