// Shared benchmark plumbing: run a command, timestamp console markers, compare with QEMU.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
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

/** Milliseconds from spawn until each marker first appears on stdout; rejects on timeout/exit without them. */
export function timeMarkers(cmd: string, args: string[], markers: string[], timeoutMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    const times: number[] = [];
    let text = "";
    let errText = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd}: timeout after ${timeoutMs} ms; got markers ${times.length}/${markers.length}`));
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      while (times.length < markers.length && text.includes(markers[times.length])) times.push(performance.now() - t0);
    });
    child.stderr.on("data", (d: Buffer) => { errText += d.toString(); });
    child.on("exit", () => {
      clearTimeout(timer);
      if (times.length === markers.length) resolve(times);
      else reject(new Error(`${cmd} exited before all markers (${times.length}/${markers.length}): ${errText.slice(-500)}`));
    });
  });
}

export function qemuArgs(cmdline: string, cpus: number, mem = "256M"): string[] {
  return ["-M", "virt", "-m", mem, "-smp", String(cpus), "-nographic", "-bios", "default",
    "-kernel", KERNEL, "-initrd", INITRD, "-append", cmdline];
}

export function tsvisorArgs(cmdline: string, cpus: number, mem = "256M"): string[] {
  return [TSVISOR, "run", "--kernel", KERNEL, "--initrd", INITRD, "--mem", mem, "--cpus", String(cpus), "--append", cmdline];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function report(title: string, rows: { name: string; ts: number; qemu: number }[]): void {
  console.log(`\n${title}`);
  console.log(`${"".padEnd(28)}${"tsvisor".padStart(12)}${"QEMU TCG".padStart(12)}${"ratio".padStart(10)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(28)}${(r.ts / 1000).toFixed(2).padStart(11)}s${(r.qemu / 1000).toFixed(2).padStart(11)}s` +
      `${(r.ts / r.qemu).toFixed(2).padStart(9)}x`);
  }
  console.log("ratio = tsvisor time / QEMU time (lower is better; < 1 means tsvisor is faster)");
}
