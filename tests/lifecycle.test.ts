// Zone lifecycle in the zone manager (in this process, no HTTP; each zone in a process of its
// own): a start that fails at any step leaves no CPU, pool memory, zone process, file, cgroup,
// thread or file descriptor behind; poweroff, reboot, wedged guests and daemon shutdown each end
// where they should.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ZoneManager, REBOOT_LOOP } from "../src/daemon/manager.js";
import type { ZoneConfig } from "../src/config/zone-config.js";
import { allowedCpus } from "../src/host/affinity.js";
import { lockedBytes } from "../src/host/memlock.js";
import { armFault, START_STEPS } from "../src/zone/fault-points.js";
import { buildAsm } from "./helpers/guest.js";
import { CLI } from "./helpers/daemon.js";
import { GUEST_RAM_OFF } from "../src/engine/riscv64/layout.js";

const M = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-life-"));
const disk = join(tmp, "disk.img");
writeFileSync(disk, Buffer.alloc(M));
const idle = buildAsm(["zone-idle.S"]);
const host = allowedCpus();
const zonesDir = join(tmp, "zones");
const mgr = new ZoneManager({ system: { file: "(test)", zone0Cpus: [], poolBytes: 1024 * M }, hostCpus: host, zonesDir });

/** Zone processes of this manager still alive (found by their command line). */
function zoneProcesses(): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").includes(zonesDir)) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The zone cgroup directories of this manager that exist. */
function cgroupDirs(): number {
  return (mgr.cgroups?.bases ?? []).reduce((n, b) => n + (existsSync(b) ? readdirSync(b).filter((d) => d.endsWith(`-${process.pid}`)).length : 0), 0);
}

function cfg(name: string, o: Partial<ZoneConfig> = {}): ZoneConfig {
  return { file: `${name}.toml`, name, kind: "user", arch: "riscv64", cpus: 1, memBytes: 64 * M, kernel: idle, cmdline: "", ...o };
}

interface Snap { threads: number; fds: number; procs: number; files: number; cgroups: number; pool: number; freeCpus: number[]; zones: number }
const snap = (): Snap => ({
  threads: readdirSync("/proc/self/task").length, fds: readdirSync("/proc/self/fd").length, procs: zoneProcesses().length,
  files: readdirSync(zonesDir).length, cgroups: cgroupDirs(), pool: mgr.pool.used, freeCpus: mgr.cpus.free, zones: mgr.list().zones.length,
});

/** Threads exit asynchronously after a zone ends: poll until the snapshot matches or time runs out. */
async function settlesTo(base: Snap, what: string): Promise<void> {
  let now = snap();
  for (let i = 0; i < 100 && JSON.stringify(now) !== JSON.stringify(base); i++) {
    await sleep(50);
    now = snap();
  }
  assert.deepEqual(now, base, `${what}: leaked something`);
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let base: Snap;
before(async () => {
  // warm up once: first use starts helper threads (libuv pool, V8) that stay for the process
  await mgr.start(cfg("warmup", { kind: "realtime", devices: [{ type: "blk", slot: 0, path: disk, readonly: false, serial: "w" }] }));
  await mgr.shutdown("warmup");
  await sleep(200);
  base = snap();
});
after(async () => {
  armFault(undefined);
  await mgr.stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

for (const step of START_STEPS) {
  test(`a start failing at step ${step} releases everything`, async () => {
    armFault(step);
    try {
      await assert.rejects(mgr.start(cfg(`f-${step}`, {
        kind: "realtime", cpus: Math.min(2, host.length),
        devices: [{ type: "blk", slot: 0, path: disk, readonly: false, serial: "f" }],
      })), (e: Error) => {
        assert.match(e.message, step === "pin-vcpu" ? /vCPU \d: cannot pin to host CPU 1023: sched_setaffinity\(self, CPUs 1023\) failed/
          : new RegExp(`injected failure at step ${step}`));
        return true;
      });
    } finally {
      armFault(undefined);
    }
    await settlesTo(base, step);
  });
}

test("the zone runs pinned: each vCPU thread's Cpus_allowed_list is its host CPU; memory of a realtime zone is locked", async () => {
  const n = Math.min(host.length, 4);
  const z = await mgr.start(cfg("pinned", { kind: "realtime", cpus: n }));
  assert.equal(z.state, "running");
  assert.deepEqual(z.vcpus.map((v) => v.hostCpu), host.slice(0, n));
  assert.ok(z.process.pid > 0 && z.process.pid !== process.pid, "the zone has a process of its own");
  assert.deepEqual(zoneProcesses(), [z.process.pid]);
  for (const v of z.vcpus) assert.deepEqual(allowedCpus(v.tid, z.process.pid), [v.hostCpu], `vCPU ${v.vcpu}`);
  assert.ok(lockedBytes(z.process.pid) >= 64 * M, `VmLck of the zone process: ${lockedBytes(z.process.pid)}`);
  if (mgr.cgroups) {
    // the kernel confines the process: its cgroup(s) hold it, with the zone's CPUs and memory limit
    for (const d of z.process.cgroup) {
      assert.ok(readFileSync(join(d, "cgroup.procs"), "utf8").split("\n").includes(String(z.process.pid)), d);
    }
    assert.ok(z.process.memoryLimit > 64 * M);
  }
  assert.equal(z.memoryLocked, true);
  await mgr.shutdown("pinned");
  await settlesTo(base, "shutdown");
});

test("names and ids are unique among live zones; an ended zone's record gives way", async () => {
  await mgr.start(cfg("uniq", { id: 40 }));
  await assert.rejects(mgr.start(cfg("uniq")), /uniq\.toml: zone\.name: zone "uniq" \(id 40, uniq\.toml\) is running: choose another name/);
  await assert.rejects(mgr.start(cfg("other", { id: 40 })), /other\.toml: zone\.id: id 40 is taken: zone "uniq"/);
  await mgr.shutdown("40");
  await assert.rejects(mgr.shutdown("uniq"), /no zone "uniq"/);
  await settlesTo(base, "unique");
});

test("a guest that powers off reporting failure ends the zone `failed` with the reason and frees its resources", async () => {
  await mgr.start(cfg("poweroff", { kernel: buildAsm(["fail.S"]) }));
  await until(() => mgr.get("poweroff").state !== "running", 5000, "poweroff");
  const z = mgr.get("poweroff");
  assert.equal(z.state, "failed");
  assert.equal(z.reason, "zone poweroff: the guest reported a system failure (SBI system reset)");
  assert.equal(z.exitCode, undefined, "SRST carries no exit status");
  assert.equal(z.poolBytes, 0);
  await mgr.shutdown("poweroff"); // removes the record
  await settlesTo(base, "poweroff");
});

test("guest reboot restarts the zone with the same config; a reboot loop ends in error", async () => {
  await mgr.start(cfg("looper", { kernel: buildAsm(["zone-reboot.S"]) }));
  await until(() => mgr.get("looper").state === "error", 10000, "reboot loop");
  const z = mgr.get("looper");
  assert.equal(z.reboots, REBOOT_LOOP.count);
  assert.match(z.reason ?? "", /zone looper: reboot loop: the guest rebooted 3 times in a row/);
  assert.equal((z.console.bufferedBytes), "REBOOTING\n".length * REBOOT_LOOP.count +
    "\r\n[tsvisor: zone looper rebooting]\r\n".length * (REBOOT_LOOP.count - 1));
  assert.equal(mgr.pool.used, 0);
  await mgr.shutdown("looper");
  await settlesTo(base, "reboot loop");
});

test("a zone whose guest stops every hart ends in error, with the reason", async () => {
  await mgr.start(cfg("stopper", { cpus: Math.min(2, host.length), kernel: buildAsm(["all-stopped.S"]) }));
  await until(() => mgr.get("stopper").state === "error", 5000, "every hart stopped");
  assert.match(mgr.get("stopper").reason ?? "", /zone stopper: every hart has stopped \(SBI HSM hart_stop\)/);
  assert.equal(mgr.pool.used, 0);
  await mgr.shutdown("stopper");
  await settlesTo(base, "stopper");
});

test("reboot on request gives fresh vCPU threads; a wedged zone fails alone while another keeps running", async () => {
  const a = await mgr.start(cfg("steady"));
  const b = await mgr.reboot("steady");
  assert.equal(b.state, "running");
  assert.equal(b.reboots, 1);
  assert.notEqual(b.vcpus[0].tid, a.vcpus[0].tid);
  await mgr.start(cfg("wedge", { kernel: buildAsm(["wedge-fetch.S"]) }));
  await until(() => mgr.get("wedge").state === "error", 5000, "wedge");
  assert.match(mgr.get("wedge").reason ?? "", /zone wedge: guest wedged on hart 0: instruction access fault/);
  assert.equal(mgr.get("steady").state, "running");
  // an ended zone can be booted again with the same config (and here wedges again)
  assert.equal((await mgr.reboot("wedge")).state, "running");
  await until(() => mgr.get("wedge").state === "error", 5000, "wedge again");
  await mgr.stopAll();
  assert.equal(mgr.list().zones.length, 0);
  await settlesTo(base, "stopAll");
});

test("a realtime zone whose memory cannot be locked does not start, and the message says how to fix it", {
  skip: process.getuid?.() !== 0 || !existsSync("/usr/bin/setpriv") || !existsSync("/usr/bin/prlimit") ? "needs root, setpriv, prlimit" : false,
}, () => {
  const f = join(tmp, "rt.toml");
  writeFileSync(f, `[zone]\nname = "rt"\nkind = "realtime"\nmemory = "64M"\n[boot]\nkernel = "${idle}"\n`);
  // without CAP_IPC_LOCK and with a 1 MiB RLIMIT_MEMLOCK, as an unprivileged daemon would be
  const r = spawnSync("prlimit", ["--memlock=1048576:1048576", "setpriv", "--bounding-set", "-ipc_lock", "--inh-caps", "-ipc_lock",
    process.execPath, CLI, "run", f], { encoding: "utf8", input: "" });
  assert.equal(r.status, 4, r.stderr); // the zone could not start
  // 64 MiB of RAM plus the engine's fixed region
  const lockMiB = 64 + GUEST_RAM_OFF / 2 ** 20;
  assert.match(r.stderr, new RegExp(`zone rt: cannot lock ${lockMiB} MiB of memory \\(mlock: ENOMEM\\); RLIMIT_MEMLOCK is 1 MiB: raise it \\(ulimit -l unlimited`));
});

test("reboots reuse the zone's memory: four boots of a locked 128 MiB zone hold it once", async () => {
  // Before, each boot made a new memory and the old one lingered: +160 MiB per reboot, which a
  // zone process's cgroup limit turns into an OOM kill.
  const { ZoneRunner } = await import("../src/zone/zone-runner.js");
  const r = new ZoneRunner({ name: "reuse", arch: "riscv64", cpus: 1, memBytes: 128 * M, kernel: idle, cmdline: "", lockMemory: true });
  const rss: number[] = [];
  let boots = 0;
  r.on("status", (s: { state: string }) => {
    if (s.state !== "running") return;
    rss.push(process.memoryUsage().rss);
    if (++boots < 4) setTimeout(() => r.reboot(), 100);
    else setTimeout(() => r.stop(), 100);
  });
  const end = await r.run();
  assert.equal(end.state, "off");
  assert.equal(rss.length, 4);
  assert.ok(rss[3] - rss[0] < 48 * M, `RSS at each boot: ${rss.map((b) => (b / M).toFixed(0)).join(", ")} MiB`);
});
