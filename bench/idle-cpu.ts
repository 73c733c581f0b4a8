// CPU a zone costs the host when its guest does nothing: the daemon (its main thread and in all)
// and the zone's process (per thread), from /proc/<pid>/stat utime + stime over a window.
//   npm run build && node dist/bench/idle-cpu.js      (WINDOW_S=20 by default)
// Cases: the daemon alone; the demo Linux idle at its shell; Linux panicked with its console
// silenced (loglevel=0: tsvisor cannot see the panic, the guest spins in panic()'s mdelay loop);
// Linux panicked on a console tsvisor reads (the zone ends `panicked`).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ZoneInfo } from "../src/daemon/api-types.js";
import { DaemonProcess } from "../tests/helpers/daemon.js";
import { INITRD, KERNEL, requireGuest } from "./lib.js";

const WINDOW_S = Number(process.env.WINDOW_S ?? 20);
const SETTLE_S = Number(process.env.SETTLE_S ?? 20);
const HZ = 100; // USER_HZ: /proc's clock ticks

function ticks(path: string): number {
  try {
    // fields after the ")" of the comm: state is field 3, utime 14, stime 15
    const f = readFileSync(path, "utf8").split(") ")[1].split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN; // gone
  }
}

function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tids) {
    const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim();
    const key = `${comm}#${t}`;
    out.set(key, ticks(`/proc/${pid}/task/${t}/stat`));
  }
  return out;
}

const pct = (dt: number) => `${((100 * dt) / HZ / WINDOW_S).toFixed(1)}%`;

async function measure(label: string, daemonPid: number, zonePid: number): Promise<void> {
  const d0 = ticks(`/proc/${daemonPid}/stat`), m0 = ticks(`/proc/${daemonPid}/task/${daemonPid}/stat`);
  const z0 = zonePid ? ticks(`/proc/${zonePid}/stat`) : 0, t0 = zonePid ? threads(zonePid) : new Map<string, number>();
  await sleep(WINDOW_S * 1000);
  const d1 = ticks(`/proc/${daemonPid}/stat`), m1 = ticks(`/proc/${daemonPid}/task/${daemonPid}/stat`);
  const z1 = zonePid ? ticks(`/proc/${zonePid}/stat`) : 0, t1 = zonePid ? threads(zonePid) : new Map<string, number>();
  const busy = [...t1].map(([k, v]) => [k, v - (t0.get(k) ?? 0)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  console.log(`${label}: daemon ${pct(d1 - d0)} (main thread ${pct(m1 - m0)}), zone process ` +
    `${zonePid ? (Number.isNaN(z1) ? "gone" : pct(z1 - z0)) : "-"}` +
    `${busy.length ? ` [${busy.slice(0, 4).map(([k, v]) => `${k} ${pct(v)}`).join(", ")}]` : ""}`);
}

requireGuest();
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-idle-"));
const sys = join(tmp, "system.toml");
writeFileSync(sys, '[zone0]\nhost_cpus = []\n[pool]\nmemory = "1G"\n');
const d = await DaemonProcess.start(join(tmp, "d.sock"), sys);
try {
  await sleep(2000);
  await measure("daemon, no zone", d.pid, 0);
  const cases: [string, string, boolean][] = [
    ["demo Linux idle at its shell", `console=ttyS0`, true],
    ["Linux panicked, console silenced", "console=ttyS0 loglevel=0", false],
    ["Linux panicked (zone ends panicked)", "console=ttyS0", false],
  ];
  for (const [i, [label, cmdline, initrd]] of cases.entries()) {
    const f = join(tmp, `z${i}.toml`);
    writeFileSync(f, `[zone]\nname = "z${i}"\nmemory = "256M"\n[boot]\nkernel = "${KERNEL}"\n` +
      `${initrd ? `initrd = "${INITRD}"\n` : ""}cmdline = "${cmdline}"\n`);
    const s = d.cli("zone", "start", f, "--json");
    if (s.code !== 0) throw new Error(`zone start: ${s.err}`);
    const pid = (JSON.parse(s.out) as ZoneInfo).process.pid;
    await sleep(SETTLE_S * 1000); // boot, and (for the panics) reach the panic
    const z = JSON.parse(d.cli("zone", "info", `z${i}`, "--json").out) as ZoneInfo;
    await measure(`${label} [state ${z.state}]`, d.pid, pid);
    d.cli("zone", "shutdown", `z${i}`);
  }
} finally {
  await d.stop();
}
