// Shared benchmark plumbing: run a command, timestamp console markers, compare with QEMU.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const GUEST_DIR = process.env.TSVISOR_GUESTS ?? join(homedir(), ".cache", "tsvisor", "guests");
export const KERNEL = join(GUEST_DIR, "Image");
export const INITRD = join(GUEST_DIR, "initramfs.cpio.gz");
export const TSVISOR = fileURLToPath(new URL("../../bin/tsvisor.js", import.meta.url));

export function requireGuest(): void {
  for (const f of [KERNEL, INITRD]) {
    if (!existsSync(f)) throw new Error(`${f} missing: build the demo guest first (npm run guests)`);
  }
}

export interface Timed {
  /** Milliseconds from spawn until each marker first appeared on stdout. */
  marks: number[];
  /** Milliseconds from spawn until the process exited: what a user waits for. */
  exit: number;
}

/** Run a command to its end, timestamping console markers; rejects on timeout or a missing marker. */
export function timeRun(cmd: string, args: string[], markers: string[], timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env });
    const times: number[] = [];
    let text = "";
    let errText = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd}: timeout after ${timeoutMs} ms; got markers ${times.length}/${markers.length}`));
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      text = (text + d.toString("latin1")).slice(-65536);
      while (times.length < markers.length && text.includes(markers[times.length])) times.push(performance.now() - t0);
    });
    child.stderr.on("data", (d: Buffer) => { errText = (errText + d.toString()).slice(-4096); });
    child.on("exit", (code) => {
      clearTimeout(timer);
      const exit = performance.now() - t0;
      if (times.length === markers.length && code === 0) resolve({ marks: times, exit });
      else reject(new Error(`${cmd} exited with ${code} after ${times.length}/${markers.length} markers: ${errText.slice(-500)}`));
    });
  });
}

/** Milliseconds from spawn until each marker first appears on stdout (the process must also exit 0). */
export async function timeMarkers(cmd: string, args: string[], markers: string[], timeoutMs: number): Promise<number[]> {
  return (await timeRun(cmd, args, markers, timeoutMs)).marks;
}

export function qemuArgs(cmdline: string, cpus: number, mem = "256M"): string[] {
  return ["-M", "virt", "-m", mem, "-smp", String(cpus), "-nographic", "-bios", "default",
    "-kernel", KERNEL, "-initrd", INITRD, "-append", cmdline];
}

export function tsvisorArgs(cmdline: string, cpus: number, mem = "256M"): string[] {
  return [TSVISOR, "run", "--kernel", KERNEL, "--initrd", INITRD, "--mem", mem, "--cpus", String(cpus), "--append", cmdline];
}

/**
 * The JIT code cache (code-cache.ts) for bench runs: `cold()` empties it, so the next tsvisor run
 * is a first boot; the run after that finds the cache that run left (a second boot of the guest).
 */
export function benchCodeCache(): { env: NodeJS.ProcessEnv; cold(): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "tsvisor-bench-cache-"));
  return {
    env: { ...process.env, TSVISOR_CACHE_DIR: dir },
    cold: () => rmSync(join(dir, "jit"), { recursive: true, force: true }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median and spread (min-max) of a sample, for the "median of 5, and say the spread" rule. */
function fmt(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const spread = xs.length > 1 ? ` (${(s[0] / 1000).toFixed(2)}-${(s[s.length - 1] / 1000).toFixed(2)})` : "";
  return `${(median(xs) / 1000).toFixed(2)}s${spread}`;
}

export function report(title: string, rows: { name: string; ts: number[]; qemu: number[] }[]): void {
  console.log(`\n${title}`);
  console.log(`${"".padEnd(30)}${"tsvisor".padStart(20)}${"QEMU TCG".padStart(20)}${"ratio".padStart(9)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(30)}${fmt(r.ts).padStart(20)}${fmt(r.qemu).padStart(20)}` +
      `${(median(r.ts) / median(r.qemu)).toFixed(2).padStart(8)}x`);
  }
  console.log("times: median (min-max); ratio = tsvisor median / QEMU median (lower is better; < 1: tsvisor is faster)");
}
