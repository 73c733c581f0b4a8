// `zone start` -> guest /init under the daemon, as an operator waits for it: from sending
// `tsvisor zone start` to the initramfs' "TSVISOR-INIT-OK" on the zone's console, next to QEMU's
// boot-to-init of the same kernel + initramfs. Median of RUNS (default 5), with the spread.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INITRD, KERNEL, TSVISOR, benchCodeCache, qemuArgs, report, requireGuest, timeRun } from "./lib.js";

const runs = Number(process.env.RUNS ?? 5);
const cmdline = "console=ttyS0 quiet tsvisor.test=smoke";
const MARK = "TSVISOR-INIT-OK";
requireGuest();
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-bench-zone-"));
const socket = join(tmp, "d.sock");
writeFileSync(join(tmp, "system.toml"), '[zone0]\nhost_cpus = []\n[pool]\nmemory = "1G"\n');
const zoneFile = join(tmp, "z.toml");
writeFileSync(zoneFile, `[zone]\nname = "bench"\ncpus = 1\nmemory = "256M"\n[boot]\nkernel = "${KERNEL}"\ninitrd = "${INITRD}"\ncmdline = "${cmdline}"\n`);

// The zone's JIT code cache: emptied before each first boot, kept for the second.
const cache = benchCodeCache();
const daemon = spawn("node", [TSVISOR, "daemon", "--socket", socket, "--system", join(tmp, "system.toml")],
  { stdio: ["ignore", "pipe", "pipe"], env: cache.env });
await new Promise<void>((resolve, reject) => {
  let out = "";
  daemon.stdout.on("data", (d: Buffer) => { out += d.toString(); if (out.includes("listening on")) resolve(); });
  daemon.once("exit", (c) => reject(new Error(`daemon exited with ${c}`)));
});

/** One `zone start` -> marker on the console; the zone powers itself off afterwards. */
async function once(): Promise<number> {
  const t0 = performance.now();
  const start = spawnSync("node", [TSVISOR, "zone", "start", "--socket", socket, zoneFile], { encoding: "utf8" });
  if (start.status !== 0) throw new Error(`zone start: ${start.stderr}`);
  // The console replays its history first, so a marker printed before we attached is still seen
  // (then the time is when we attached: an upper bound).
  const con = spawn("node", [TSVISOR, "zone", "console", "--socket", socket, "bench"], { stdio: ["pipe", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let text = "";
    let at = 0;
    con.stdout.on("data", (d: Buffer) => {
      text = (text + d.toString("latin1")).slice(-8192);
      if (!at && text.includes(MARK)) at = performance.now() - t0;
    });
    con.on("exit", () => (at ? resolve(at) : reject(new Error(`no ${MARK} on the console: ${text.slice(-500)}`))));
  });
}

const ts: number[] = [];
const warm: number[] = [];
const qemu: number[] = [];
// The zone gets one host CPU for its vCPU, its VMM thread and its JIT compiler (static
// partitioning); QEMU is measured as it runs by default, on every CPU, and pinned to one.
const qemuOneCpu: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    cache.cold();
    ts.push(await once());
    warm.push(await once());
    if (process.env.BENCH_ONLY === "tsvisor") continue;
    qemu.push((await timeRun("qemu-system-riscv64", qemuArgs(cmdline, 1), [MARK], 120000)).marks[0]);
    qemuOneCpu.push((await timeRun("taskset", ["-c", "0", "qemu-system-riscv64", ...qemuArgs(cmdline, 1)], [MARK], 120000)).marks[0]);
  }
} finally {
  daemon.kill("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
  cache.remove();
}
report(`zone start -> /init under the daemon, 1 vCPU (median of ${runs}); QEMU: process start -> /init`,
  [{ name: "zone start -> /init", ts, qemu }, { name: "  second boot (code cache)", ts: warm, qemu },
    { name: "  vs QEMU on one CPU", ts, qemu: qemuOneCpu }]);
