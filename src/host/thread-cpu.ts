// How much host CPU time a thread has used, from /proc: schedstat's first field (nanoseconds on a
// CPU), else utime + stime of stat in clock ticks (USER_HZ, 100 on every Linux architecture
// Node runs on). undefined when the thread is gone or /proc cannot be read.
import { readFileSync } from "node:fs";

const USER_HZ = 100;

export function threadCpuNanos(pid: number, tid: number): number | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8");
    const ns = Number(s.split(" ")[0]);
    if (Number.isFinite(ns)) return ns;
  } catch {
    // no schedstat (a kernel without CONFIG_SCHED_INFO) or no such thread: try stat
  }
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses): utime is the 14th field.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? (ticks * 1e9) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}
