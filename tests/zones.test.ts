// Two-zone integration through the real daemon and CLI: a user and a realtime Linux zone run at
// once on their own host CPUs; consoles attach and detach; one zone goes away, one panics, bad
// configs are refused, and through all of it the other zone keeps answering.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ZoneInfo, ZoneList } from "../src/daemon/api-types.js";
import { allowedCpus } from "../src/host/affinity.js";
import { demoGuest } from "./helpers/demo-guest.js";
import { DaemonProcess } from "./helpers/daemon.js";
import { EXIT } from "../src/cli/exit-codes.js";
import { GUEST_RAM_OFF } from "../src/engine/riscv64/layout.js";

const ENGINE_MIB = GUEST_RAM_OFF / 2 ** 20; // what a zone takes from the pool besides its RAM

const PROMPT = "tsvisor:~# ";
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-zones-"));
const socket = join(tmp, "d.sock");
const host = allowedCpus();
// One vCPU per zone on the first two host CPUs (zone0 keeps none on a 2-CPU host).
const [cpuU, cpuR] = [host[0], host[1]];
const needs2 = host.length < 2 ? { skip: "needs 2 host CPUs" } : {};
let d: DaemonProcess;

function zoneFile(name: string, body: string, cmdline = "console=ttyS0"): string {
  const g = demoGuest();
  const f = join(tmp, `${name}.toml`);
  writeFileSync(f, `[zone]\nname = "${name}"\n${body}\n[boot]\nkernel = "${g.kernel}"\ninitrd = "${g.initrd}"\ncmdline = "${cmdline}"\n`);
  return f;
}
const alpha = () => zoneFile("alpha", `kind = "user"\nhost_cpus = [${cpuU}]\nmemory = "128M"`);
const beta = () => zoneFile("beta", `kind = "realtime"\nid = 7\nhost_cpus = [${cpuR}]\nmemory = "128M"`);

const info = (ref: string): ZoneInfo => JSON.parse(d.cli("zone", "info", ref, "--json").out) as ZoneInfo;
const list = (): ZoneList => JSON.parse(d.cli("zone", "list", "--json").out) as ZoneList;

/** Type a command on a zone's console, check the answer, detach with C-a d. */
async function talk(zone: string, tag: string, after?: string): Promise<void> {
  const r = await d.console(zone, [
    ...(after ? [{ when: after, send: "" }] : []),
    { when: PROMPT, send: `echo ${tag}-$((6*7))\n` },
    { when: `${tag}-42\r\n`, send: "\x01d" },
  ]);
  assert.equal(r.code, 0, `${r.err}\n${r.out.slice(-1500)}`);
  assert.match(r.out, new RegExp(`\\n${tag}-42\\r?\\n`));
  assert.match(r.err, new RegExp(`detached from zone ${zone}; it keeps running`));
}

before(async () => {
  const sys = join(tmp, "system.toml");
  writeFileSync(sys, '[zone0]\nhost_cpus = []\n[pool]\nmemory = "1G"\n');
  d = await DaemonProcess.start(socket, sys);
});
after(async () => {
  await d.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("a user and a realtime zone start from the CLI and run at once, each vCPU pinned to its host CPU", needs2, async () => {
  const a = d.cli("zone", "start", alpha());
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, new RegExp(`^zone alpha \\(id 1, user\\) started: vCPU 0 on host CPU ${cpuU}; memory 128M\\n$`));
  const b = d.cli("zone", "start", beta());
  assert.equal(b.code, 0, b.err);
  assert.match(b.out, new RegExp(`^zone beta \\(id 7, realtime\\) started: vCPU 0 on host CPU ${cpuR}; memory 128M \\(locked\\)`));
  const table = d.cli("zone", "list").out;
  assert.match(table, /^ID\s+NAME\s+KIND\s+VCPU→CPU\s+MEMORY\s+STATE\s+UPTIME$/m);
  assert.match(table, new RegExp(`^1\\s+alpha\\s+user\\s+0→${cpuU}\\s+128M\\s+running\\s+\\d+s$`, "m"));
  assert.match(table, new RegExp(`^7\\s+beta\\s+realtime\\s+0→${cpuR}\\s+128M\\s+running\\s+\\d+s$`, "m"));
  const pids = new Set<number>();
  for (const [name, cpu] of [["alpha", cpuU], ["beta", cpuR]] as const) {
    const z = info(name);
    assert.equal(z.vcpus.length, 1);
    // each zone runs in a process of its own, not in the daemon
    const pid = z.process.pid;
    assert.ok(pid > 0 && pid !== d.pid, `${name}: zone process ${pid}`);
    pids.add(pid);
    const status = readFileSync(`/proc/${pid}/task/${z.vcpus[0].tid}/status`, "utf8");
    assert.match(status, new RegExp(`^Cpus_allowed_list:\\s+${cpu}$`, "m"), `${name}: vCPU thread`);
    assert.equal(readFileSync(`/proc/${pid}/task/${z.vcpus[0].tid}/comm`, "utf8").trim(), `v0:${name}`);
    // every thread named as a vCPU is on its zone's CPU, and only those are pinned
    const named = readdirSync(`/proc/${pid}/task`).map((t) => ({
      comm: readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim(),
      cpus: /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/task/${t}/status`, "utf8"))![1],
    })).filter((t) => t.comm.startsWith("v0:"));
    assert.deepEqual(named.map((t) => `${t.comm}=${t.cpus}`), [`v0:${name}=${cpu}`]);
  }
  assert.equal(pids.size, 2);
  const vmlck = Number(/^VmLck:\s*(\d+) kB/m.exec(readFileSync(`/proc/${info("beta").process.pid}/status`, "utf8"))![1]);
  assert.ok(vmlck * 1024 >= 128 * 1024 * 1024, `realtime zone memory locked (VmLck ${vmlck} kB)`);
  assert.equal(Number(/^VmLck:\s*(\d+) kB/m.exec(readFileSync(`/proc/${d.pid}/status`, "utf8"))![1]), 0, "the daemon itself locks nothing");
});

test("console attach and detach work on each zone; output while detached is kept", needs2, async () => {
  await talk("alpha", "alpha");
  await talk("beta", "beta");
  // the next attach replays what the zone printed before, including the last session
  const again = await d.console("alpha", [{ when: "alpha-42", send: "\x01d" }]);
  assert.equal(again.code, 0, again.err);
  assert.equal(list().zones.filter((z) => z.state === "running").length, 2);
});

test("shutting one zone down leaves the other running and answering", needs2, async () => {
  const r = d.cli("zone", "shutdown", "alpha");
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "zone alpha (id 1) shut down\n");
  const l = list();
  assert.deepEqual(l.zones.map((z) => [z.name, z.state]), [["beta", "running"]]);
  assert.deepEqual(l.zone0.freeHostCpus, [cpuU]);
  await talk("beta", "still");
});

test("a guest kernel panic ends its zone in a visible error state while the other keeps running", needs2, async () => {
  const p = zoneFile("panicky", `host_cpus = [${cpuU}]\nmemory = "128M"`, "console=ttyS0 rdinit=/nonexistent panic=-1");
  assert.equal(d.cli("zone", "start", p).code, 0);
  const t0 = Date.now();
  while (info("panicky").state !== "error") {
    assert.ok(Date.now() - t0 < 60000, "panicky zone never ended");
    await sleep(250);
  }
  const z = info("panicky");
  assert.equal(z.reboots, 3);
  assert.match(z.reason ?? "", /^zone panicky: reboot loop: the guest rebooted 3 times in a row, each within 30 s of booting \(last kernel panic: VFS: Unable to mount root fs/);
  assert.match(d.cli("zone", "list").out, /^\d+\s+panicky\s+user\s+0→\d+\s+128M\s+error\s+-$/m);
  assert.equal(info("beta").state, "running");
  await talk("beta", "alive");
  // its console still shows what happened
  const c = await d.console("panicky", []);
  assert.match(c.out, /Kernel panic - not syncing/);
  assert.match(c.err, /zone panicky is error: zone panicky: reboot loop/);
  assert.equal(d.cli("zone", "shutdown", "panicky").code, 0);
});

test("a kernel that panics and stays down (panic=0) ends its zone `panicked`, with the panic line in list and info", needs2, async () => {
  const p = zoneFile("rootless", `host_cpus = [${cpuU}]\nmemory = "128M"`, "console=ttyS0 rdinit=/nonexistent");
  assert.equal(d.cli("zone", "start", p).code, 0);
  const t0 = Date.now();
  while (info("rootless").state === "running") {
    assert.ok(Date.now() - t0 < 60000, "the panicked zone stayed running");
    await sleep(250);
  }
  const z = info("rootless");
  assert.equal(z.state, "panicked");
  assert.match(z.reason ?? "", /^zone rootless: kernel panic: VFS: Unable to mount root fs on unknown-block\(0,0\)$/);
  assert.equal(z.process.pid, 0, "its process ended");
  assert.ok(list().zone0.freeHostCpus.includes(cpuU), "its CPU is free again");
  const table = d.cli("zone", "list").out;
  assert.match(table, /^\d+\s+rootless\s+user\s+0→\d+\s+128M\s+panicked\s+-$/m);
  assert.match(table, /^zone rootless: kernel panic: VFS: Unable to mount root fs/m);
  // zone info: text by default, the API's JSON with --json
  const text = d.cli("zone", "info", "rootless");
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^zone rootless \(id \d+, user, riscv64\)\n  state: +panicked\n  reason: +zone rootless: kernel panic: VFS: Unable/);
  assert.throws(() => JSON.parse(text.out));
  const json = JSON.parse(d.cli("zone", "info", "rootless", "--json").out) as ZoneInfo;
  assert.deepEqual([json.name, json.state, json.reason], ["rootless", "panicked", z.reason]);
  // a console on it shows the panic and exits with the panic's status
  const c = await d.console("rootless", []);
  assert.match(c.out, /end Kernel panic - not syncing: VFS: Unable to mount root fs/);
  assert.equal(c.code, EXIT.GUEST_PANIC, c.err);
  assert.equal(d.cli("zone", "shutdown", "rootless").code, 0);
  assert.equal(d.cli("zone", "info", "rootless").code, EXIT.FAILED, "no such zone any more");
});

test("bad configs are refused by zone start and by check with clear messages, and leak nothing", needs2, async () => {
  const g = demoGuest();
  const junk = join(tmp, "junk.img");
  writeFileSync(junk, Buffer.alloc(4096, 0x41));
  const bad = (name: string, text: string) => {
    const f = join(tmp, `bad-${name}.toml`);
    writeFileSync(f, text);
    return f;
  };
  const boot = `[boot]\nkernel = "${g.kernel}"\ninitrd = "${g.initrd}"\n`;
  const before = list();
  const cases: [string, RegExp, RegExp?][] = [
    [bad("toml", '[zone\nname = "x"\n'), /bad-toml\.toml:1:6: not valid TOML/],
    [bad("field", `[zone]\nname = "x"\nmem = "1G"\n${boot}`), /bad-field\.toml: zone\.mem: unknown field "mem" in \[zone\]: did you mean "memory"\?/],
    [bad("overlap", `[zone]\nname = "x"\nhost_cpus = [${cpuR}]\n${boot}`), /zone "x" and zone "beta" both want host CPU \d: realtime zones never share CPUs/],
    [bad("pool", `[zone]\nname = "x"\nmemory = "2G"\n${boot}`), new RegExp(`bad-pool\\.toml: zone\\.memory: zone "x" needs ${2048 + ENGINE_MIB} MiB .* but the pool has \\d+ MiB free of 1024 MiB`)],
    [bad("kernel", `[zone]\nname = "x"\n[boot]\nkernel = "missing/Image"\n`), /bad-kernel\.toml: boot\.kernel: cannot read kernel .*missing\/Image: file not found/],
    [bad("dupname", `[zone]\nname = "beta"\n${boot}`), /bad-dupname\.toml: zone\.name: zone "beta" \(id 7, .*\) is running/,
      /bad-dupname\.toml: zone\.name: "beta" is also the name of the zone in/],
    [bad("dupid", `[zone]\nname = "x"\nid = 7\n${boot}`), /bad-dupid\.toml: zone\.id: id 7 is taken: zone "beta"/, /bad-dupid\.toml: zone\.id: 7 is also the id/],
    [bad("nocpu", `[zone]\nname = "x"\nhost_cpus = [999]\n${boot}`), /bad-nocpu\.toml: zone\.host_cpus: zone "x": host CPU 999 does not exist here/],
    [bad("count", `[zone]\nname = "x"\ncpus = 2\nhost_cpus = [0]\n${boot}`), /bad-count\.toml: zone\.host_cpus: lists 1 host CPU\(s\) for cpus = 2/],
    [bad("rtshare", `[zone]\nname = "x"\nkind = "realtime"\nshare_cpus = true\n${boot}`), /bad-rtshare\.toml: zone\.share_cpus: realtime zones never share CPUs/],
    [bad("image", `[zone]\nname = "x"\n[boot]\nkernel = "${junk}"\n`), /bad-image\.toml: boot\.kernel: .*junk\.img: not a Linux Image, an ELF executable or a raw binary: it looks like a text file/],
    [bad("small", `[zone]\nname = "x"\nmemory = "16M"\n${boot}`), /bad-small\.toml: zone\.memory: zone x: too little memory for kernel \+ initrd/],
    [bad("kind", `[zone]\nname = "x"\nkind = "batch"\n${boot}`), /bad-kind\.toml: zone\.kind: "batch" is not a zone kind: use "user" or "realtime"/],
    [bad("name", `[zone]\nname = "no spaces"\n${boot}`), /bad-name\.toml: zone\.name: "no spaces" is not a zone name: use 1-63 letters, digits/],
  ];
  const betaFile = join(tmp, "beta.toml");
  for (const [file, startMsg, checkMsg] of cases) {
    const s = d.cli("zone", "start", file);
    // a config the daemon finds wrong, or one that conflicts with what runs
    assert.ok(s.code === EXIT.CONFIG || s.code === EXIT.FAILED, `${file}: exit ${s.code} ${s.out} ${s.err}`);
    assert.match(s.err, startMsg, file);
    const c = d.cli("check", "--system", join(tmp, "system.toml"), betaFile, file);
    assert.equal(c.code, EXIT.CONFIG, `${file}: check exit ${c.code}: ${c.out}`);
    assert.match(c.err, checkMsg ?? startMsg, `${file} (check)`);
  }
  const now = list();
  assert.deepEqual(now.zones.map((z) => z.name), ["beta"]);
  assert.equal(now.zone0.pool.used, before.zone0.pool.used);
  assert.deepEqual(now.zone0.freeHostCpus, before.zone0.freeHostCpus);
  assert.equal(info("beta").state, "running");
});

test("reboot restarts a zone with the same config, and stopping the daemon stops its zones", needs2, async () => {
  const r = d.cli("zone", "reboot", "beta");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /zone beta \(id 7\) rebooted \(1 reboot\(s\) so far\)/);
  assert.equal(info("beta").vcpus[0].hostCpu, cpuR);
  await talk("beta", "rebooted", "[tsvisor: zone beta rebooting]");
  assert.equal(await d.stop(), 0);
  assert.equal(existsSync(socket), false);
  assert.match(d.log.join(""), /zone beta shut down[^]*stopped/);
  const gone = d.cli("zone", "list");
  assert.equal(gone.code, EXIT.DAEMON_UNREACHABLE);
  assert.match(gone.err, /cannot reach the tsvisor daemon at .*d\.sock: no such socket/);
});
