// Pre-faulting and locking a zone's memory (realtime zones): the guest must never wait for the
// host to fault a page in or swap it out.
import { readFileSync } from "node:fs";
import { errno, libc } from "./libc.js";

interface Fns {
  mlock: (addr: Uint8Array, len: number) => number;
  munlock: (addr: Uint8Array, len: number) => number;
}
let fns: Fns | undefined;

function f(): Fns {
  const lib = libc();
  fns ??= {
    mlock: lib.func("int mlock(void *addr, size_t len)"),
    munlock: lib.func("int munlock(void *addr, size_t len)"),
  };
  return fns;
}

const PAGE = 4096;
const mib = (n: number) => `${Math.round(n / 1024 ** 2)} MiB`;

/** RLIMIT_MEMLOCK of this process as /proc shows it ("unlimited" or bytes). */
export function memlockLimit(): string {
  const m = /^Max locked memory\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  if (!m) return "unknown";
  return m[1] === "unlimited" ? "unlimited" : mib(Number(m[1]));
}

export interface MemoryLock {
  unlock(): void;
}

/**
 * Touch every page of `bytes` (writing back what is there, so loaded images survive) and mlock it.
 * Throws a message saying how to fix the limit when the kernel refuses.
 */
export function lockMemory(bytes: Uint8Array, what: string): MemoryLock {
  for (let off = 0; off < bytes.length; off += PAGE) bytes[off] = bytes[off];
  if (f().mlock(bytes, bytes.length) !== 0) {
    const e = errno();
    const name = e === 12 ? "ENOMEM" : e === 1 ? "EPERM" : e === 11 ? "EAGAIN" : `errno ${e}`;
    throw new Error(`${what}: cannot lock ${mib(bytes.length)} of memory (mlock: ${name}); RLIMIT_MEMLOCK is ` +
      `${memlockLimit()}: raise it (ulimit -l unlimited, or LimitMEMLOCK=infinity in a systemd unit) ` +
      `or give tsvisor CAP_IPC_LOCK`);
  }
  let locked = true;
  return {
    unlock() {
      if (!locked) return;
      locked = false;
      f().munlock(bytes, bytes.length);
    },
  };
}

/** VmLck of this process in bytes (what the kernel counts as locked). */
export function lockedBytes(pid: number | "self" = "self"): number {
  const m = /^VmLck:\s*(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}
