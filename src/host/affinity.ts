// Host CPU affinity of threads (sched_setaffinity through koffi) and thread naming. Each call
// works on this thread of this process; a worker pins itself, the daemon pins its own threads.
import { readFileSync, readdirSync } from "node:fs";
import { errno, libc } from "./libc.js";

const MASK_BYTES = 128; // 1024 CPUs, as glibc's cpu_set_t
export const MAX_HOST_CPU = MASK_BYTES * 8 - 1;

interface Fns {
  setaffinity: (pid: number, size: number, mask: Uint8Array) => number;
  gettid: () => number;
  prctl: (op: number, name: string, a: number, b: number, c: number) => number;
}
let fns: Fns | undefined;

function f(): Fns {
  const lib = libc();
  fns ??= {
    setaffinity: lib.func("int sched_setaffinity(int pid, size_t size, const uint8_t *mask)"),
    gettid: lib.func("int gettid(void)"),
    prctl: lib.func("int prctl(int op, const char *name, unsigned long a, unsigned long b, unsigned long c)"),
  };
  return fns;
}

const ERRNO: Record<number, string> = { 1: "EPERM", 3: "ESRCH", 22: "EINVAL" };

/** Restrict thread `tid` (0 = the calling thread) to `cpus`. Throws with errno on failure. */
export function setThreadAffinity(tid: number, cpus: readonly number[]): void {
  const mask = new Uint8Array(MASK_BYTES);
  for (const c of cpus) {
    if (!Number.isInteger(c) || c < 0 || c > MAX_HOST_CPU) throw new Error(`host CPU ${c} is out of range 0..${MAX_HOST_CPU}`);
    mask[c >> 3] |= 1 << (c & 7);
  }
  if (f().setaffinity(tid, MASK_BYTES, mask) !== 0) {
    const e = errno();
    const why = e === 22 ? "the CPU is not online or not allowed for this process" : ERRNO[e] ?? `errno ${e}`;
    throw new Error(`sched_setaffinity(${tid === 0 ? "self" : tid}, CPUs ${cpus.join(",")}) failed: ${why}`);
  }
}

/** Linux thread id of the calling thread (what /proc/<pid>/task/<tid> shows). */
export function threadId(): number {
  return f().gettid();
}

/** Name the calling thread (15 characters kept); shows in /proc/.../comm, top -H, gdb. */
export function nameThread(name: string): void {
  f().prctl(15 /* PR_SET_NAME */, name.slice(0, 15), 0, 0, 0);
}

/** Parse a kernel CPU list such as "0-3,6". */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(",")) {
    if (!part) continue;
    const [a, b] = part.split("-").map(Number);
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

/** Cpus_allowed_list of a thread (default: the process's main thread) of this or another process. */
export function allowedCpus(tid?: number, pid: number | "self" = "self"): number[] {
  const path = tid === undefined ? `/proc/${pid}/status` : `/proc/${pid}/task/${tid}/status`;
  const m = /^Cpus_allowed_list:\s*(.*)$/m.exec(readFileSync(path, "utf8"));
  return m ? parseCpuList(m[1]) : [];
}

/** Pin every thread that exists now in this process (V8 and libuv helpers included). */
export function pinAllThreads(cpus: readonly number[]): void {
  for (const t of readdirSync("/proc/self/task")) {
    try {
      setThreadAffinity(Number(t), cpus);
    } catch {
      // a helper thread that just exited: nothing to pin
    }
  }
}

/** Startup hook of a vCPU thread: pin, name the thread, return its tid (or why pinning failed). */
export function pinVcpuThread(cpu: number, name: string): { tid: number; error?: string } {
  try {
    setThreadAffinity(0, [cpu]);
    nameThread(name);
    return { tid: threadId() };
  } catch (e) {
    return { tid: 0, error: (e as Error).message };
  }
}
