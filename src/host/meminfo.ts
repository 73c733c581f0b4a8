// The host's memory as the kernel reports it: what the daemon's pool is checked against.
import { readFileSync } from "node:fs";
import type { SystemConfig } from "../config/system-config.js";

/** Bytes the kernel says can be allocated without swapping (MemAvailable); Infinity if unknown. */
export function memAvailable(): number {
  const m = /^MemAvailable:\s*(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return m ? Number(m[1]) * 1024 : Infinity;
}

const gib = (n: number) => `${+(n / 1024 ** 3).toFixed(2)} GiB`;

/** Why the daemon cannot reserve the system file's pool on this host ("file: pool.memory: ..."), or undefined. */
export function poolProblem(system: SystemConfig, avail = memAvailable()): string | undefined {
  if (system.poolBytes <= avail) return undefined;
  return `${system.file}: pool.memory: ${gib(system.poolBytes)} is more than this host has available (${gib(avail)}): lower it`;
}
