// Zones are processes: killing one zone's process (or the kernel's OOM killer ending it) leaves
// the daemon and the other zones running; killing the daemon leaves every zone running, and a new
// daemon on the same socket finds them again, with their consoles.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ZoneInfo, ZoneList } from "../src/daemon/api-types.js";
import { allowedCpus } from "../src/host/affinity.js";
import { buildAsm } from "./helpers/guest.js";
import { DaemonProcess } from "./helpers/daemon.js";
import { readFileSync } from "node:fs";

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-iso-"));
const socket = join(tmp, "d.sock");
const sys = join(tmp, "system.toml");
const host = allowedCpus();
const needs2 = host.length < 2 ? { skip: "needs 2 host CPUs" } : {};
const echo = buildAsm(["zone-echo.S"]);
let d: DaemonProcess;
const seen = new Set<number>(); // every zone process pid, killed at the end whatever happens

function zoneFile(name: string, cpu: number): string {
  const f = join(tmp, `${name}.toml`);
  writeFileSync(f, `[zone]\nname = "${name}"\nhost_cpus = [${cpu}]\nmemory = "64M"\n[boot]\nkernel = "${echo}"\n`);
  return f;
}

const info = (ref: string): ZoneInfo => {
  const r = d.cli("zone", "info", ref, "--json");
  assert.equal(r.code, 0, r.err);
  const z = JSON.parse(r.out) as ZoneInfo;
  if (z.process.pid) seen.add(z.process.pid);
  return z;
};
const list = (): ZoneList => JSON.parse(d.cli("zone", "list", "--json").out) as ZoneList;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function start(name: string, cpu: number): ZoneInfo {
  const r = d.cli("zone", "start", zoneFile(name, cpu));
  assert.equal(r.code, 0, r.err);
  return info(name);
}

/** The zone answers on its console: what we type comes back. */
async function answers(zone: string, word: string): Promise<string> {
  const r = await d.console(zone, [{ when: "ECHO-READY", send: `${word}\n` }, { when: `${word}\n`, send: "\x01d" }], 20000);
  assert.equal(r.code, 0, `${zone}: ${r.err}\n${r.out}`);
  return r.out;
}

before(async () => {
  writeFileSync(sys, '[zone0]\nhost_cpus = []\n[pool]\nmemory = "1G"\n');
  d = await DaemonProcess.start(socket, sys);
});
after(async () => {
  await d.stop();
  for (const pid of seen) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

test("kill -9 of one zone's process ends that zone in error; the daemon and the other zone run on", needs2, async () => {
  const a = start("a", host[0]);
  const b = start("b", host[1]);
  assert.notEqual(a.process.pid, b.process.pid);
  assert.ok(a.process.pid !== d.pid && b.process.pid !== d.pid);
  process.kill(a.process.pid, "SIGKILL");
  await until(() => info("a").state === "error", 10000, "zone a to end");
  assert.match(info("a").reason ?? "", /zone a: its process was killed by SIGKILL without reporting an outcome/);
  assert.equal(info("a").process.pid, 0);
  assert.equal(info("b").state, "running");
  await answers("b", "still-here");
  // a's CPU and memory are free again: a new zone "a" takes its place
  assert.deepEqual(list().zone0.freeHostCpus, [host[0]]);
});

test("kill -9 of the daemon leaves both zones running; a new daemon lists them and attaches to their consoles", needs2, async () => {
  const a = start("a", host[0]);
  const b = info("b");
  await answers("a", "before");
  const oldDaemon = d.pid;
  process.kill(oldDaemon, "SIGKILL");
  await until(() => !alive(oldDaemon), 5000, "the daemon to die");
  await sleep(300);
  assert.ok(alive(a.process.pid) && alive(b.process.pid), "both zone processes outlive the daemon");
  d = await DaemonProcess.start(socket, sys, { TSVISOR_TEST_FAULT: "hog:oom" });
  const l = list();
  assert.deepEqual(l.zones.map((z) => `${z.name}:${z.state}:${z.process.pid}`).sort(),
    [`a:running:${a.process.pid}`, `b:running:${b.process.pid}`]);
  assert.deepEqual(l.zone0.freeHostCpus, [], "the found zones hold their CPUs again");
  // the history from before the restart is replayed, and the zone answers
  const out = await answers("a", "after-restart");
  assert.match(out, /before\n[^]*after-restart\n/);
  await answers("b", "b-after-restart");
});

test("a zone whose process goes past its memory limit ends in error (out of memory); the other zone runs on", needs2, async (t) => {
  if (list().zone0.cgroups === "none") return t.skip("no usable cgroups on this host");
  assert.equal(d.cli("zone", "shutdown", "a").code, 0);
  // the daemon was started with TSVISOR_TEST_FAULT=hog:oom: the zone process of "hog" hoards memory
  const hog = start("hog", host[0]);
  seen.add(hog.process.pid); // (it may be gone already: it hoards 32 MiB every 20 ms)
  await until(() => info("hog").state === "error", 30000, "the hog to be OOM-killed");
  assert.match(info("hog").reason ?? "", /zone hog: out of memory: its process went past its memory limit \(\d+M: guest RAM \+ engine allowance\) and the kernel's OOM killer ended it/);
  assert.equal(info("b").state, "running");
  await answers("b", "after-oom");
});

/** VmRSS or VmHWM of a process, in bytes. */
function mem(pid: number, field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s*(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

// Documented in docs/security.md: what the daemon may grow by while a zone floods its console.
const DAEMON_GROWTH_BOUND = 32 * 1024 * 1024;
const FLOOD_SECONDS = process.env.TSVISOR_SOAK === "1" ? 60 : 8;

test("a zone flooding its console (SBI DBCN, 64 KiB a call) leaves the daemon's memory flat and stays in its own bound", needs2, async (t) => {
  assert.equal(d.cli("zone", "shutdown", "b").code, 0);
  const kernel = buildAsm(["console-flood.S"], ["-DMODE=1", `-DFLOOD_TICKS=${FLOOD_SECONDS * 10_000_000}`]);
  const f = join(tmp, "flood.toml");
  writeFileSync(f, `[zone]\nname = "flood"\nhost_cpus = [${host[1]}]\nmemory = "64M"\n[boot]\nkernel = "${kernel}"\n`);
  const r = d.cli("zone", "start", f);
  assert.equal(r.code, 0, r.err);
  const z = info("flood");
  const rss0 = mem(d.pid, "VmRSS");
  let daemonPeak = rss0;
  let zonePeak = 0;
  while (info("flood").state === "running") {
    daemonPeak = Math.max(daemonPeak, mem(d.pid, "VmRSS"));
    try {
      zonePeak = Math.max(zonePeak, mem(z.process.pid, "VmHWM"));
    } catch {
      // the zone process just ended
    }
    await sleep(200);
  }
  const end = info("flood");
  assert.equal(end.state, "off", end.reason);
  // the history keeps the newest 64 KiB; everything older was dropped and counted, not queued
  assert.equal(end.console.bufferedBytes, 64 * 1024);
  assert.ok(end.console.droppedBytes > 10 * 1024 * 1024, `dropped ${end.console.droppedBytes}`);
  assert.ok(daemonPeak - rss0 < DAEMON_GROWTH_BOUND, `daemon RSS ${rss0} -> peak ${daemonPeak}`);
  assert.ok(zonePeak > 0, "the zone process was sampled");
  if (z.process.memoryLimit) assert.ok(zonePeak < z.process.memoryLimit, `zone process peak ${zonePeak} within its limit ${z.process.memoryLimit}`);
  t.diagnostic(`daemon RSS ${(rss0 / 2 ** 20).toFixed(1)} -> peak ${(daemonPeak / 2 ** 20).toFixed(1)} MiB; zone process peak ${(zonePeak / 2 ** 20).toFixed(1)} MiB; ` +
    `${(end.console.droppedBytes / 2 ** 20).toFixed(0)} MiB of console output went by`);
});

test("a zone that ends while no daemon runs is listed by the next daemon with how it ended, holding nothing", needs2, async () => {
  const c = start("c", host[1]);
  const oldDaemon = d.pid;
  process.kill(oldDaemon, "SIGKILL");
  await until(() => !alive(oldDaemon), 5000, "the daemon to die");
  process.kill(c.process.pid, "SIGKILL");
  await until(() => !alive(c.process.pid), 5000, "the zone process to die");
  d = await DaemonProcess.start(socket, sys);
  const z = info("c");
  assert.equal(z.state, "error");
  assert.match(z.reason ?? "", /zone c: its process ended without reporting an outcome/);
  assert.equal(z.poolBytes, 0);
  assert.ok(list().zone0.freeHostCpus.includes(host[1]), "its CPU is free again");
});
