// Integration: the demo Linux guest boots to /init, runs its script and powers off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./helpers/guest.js";
import { demoGuest } from "./helpers/demo-guest.js";

for (const cpus of [1, 2]) {
  test(`Linux boots to /init and powers off with ${cpus} vCPU(s)`, async () => {
    const g = demoGuest();
    const r = await boot({ ...g, cpus, memBytes: 256 << 20, cmdline: "console=ttyS0 tsvisor.test=smoke", timeoutMs: 120000 });
    assert.match(r.console, /TSVISOR-INIT-OK/, r.console.slice(-2000));
    assert.match(r.console, new RegExp(`TSVISOR-CPUS=${cpus}\\b`));
    assert.match(r.console, /TSVISOR-FP=6\.283/); // userland floating point (awk printf)
    assert.match(r.console, /TSVISOR-TEST-DONE/);
    assert.deepEqual(r.outcome, { state: "poweroff" }, r.logs.join("\n"));
    assert.doesNotMatch(r.console, /Oops|BUG:|Kernel panic|unhandled signal/);
  });
}

test("the demo guest's shell answers typed commands on the console", async () => {
  const g = demoGuest();
  const r = await boot({
    ...g, cpus: 2, memBytes: 256 << 20, cmdline: "console=ttyS0", timeoutMs: 120000,
    input: [{ when: "tsvisor:~# ", text: "echo $((6*7))-answer; grep -c ^processor /proc/cpuinfo; exit\n" }],
  });
  assert.match(r.console, /42-answer/);
  assert.match(r.console, /\n2\r?\n/);
  assert.deepEqual(r.outcome, { state: "poweroff" });
});

test("a CPU-bound userland job computes the right sha256 (64 MiB of zeros)", async () => {
  const g = demoGuest();
  const r = await boot({ ...g, memBytes: 256 << 20, cmdline: "console=ttyS0 tsvisor.bench=sha256", timeoutMs: 300000 });
  assert.match(r.console, /3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351/);
  assert.deepEqual(r.outcome, { state: "poweroff" });
});

test("the guest's clock starts at the host's time (goldfish RTC, read at boot)", async () => {
  const g = demoGuest();
  const r = await boot({
    ...g, memBytes: 256 << 20, cmdline: "console=ttyS0", timeoutMs: 120000,
    input: [{ when: "tsvisor:~# ", text: "echo RTC-YEAR=$(date +%Y); ls /sys/class/rtc; exit\n" }],
  });
  // 1970 here means the guest never read the RTC (no device, no driver, or no hctosys).
  const year = /RTC-YEAR=(\d+)/.exec(r.console)?.[1];
  assert.equal(year, String(new Date().getFullYear()), r.console.slice(-2000));
  assert.match(r.console, /rtc0/);
  assert.deepEqual(r.outcome, { state: "poweroff" });
});

test("a kernel that cannot mount its root file system panics, and the zone ends panicked", async () => {
  const g = demoGuest();
  // No initramfs and no disk: Linux panics with "VFS: Unable to mount root fs" and, with panic=0,
  // would spin for ever. The zone runner must end it (runs through ZoneRunner, as zones do).
  const { ZoneRunner } = await import("../src/zone/zone-runner.js");
  const runner = new ZoneRunner({ name: "nofs", arch: "riscv64", cpus: 1, memBytes: 128 << 20, kernel: g.kernel, cmdline: "console=ttyS0" });
  const end = await runner.run();
  assert.equal(end.state, "panicked", end.reason);
  assert.match(end.reason ?? "", /^zone nofs: kernel panic: VFS: Unable to mount root fs on unknown-block\(0,0\)$/);
});

test("a guest user who prints the panic line does not stop the zone: the harts show no dead kernel", async () => {
  const g = demoGuest();
  // `boot` runs a Zone alone; the panic check lives in ZoneRunner, so drive one and type at its console.
  const { ZoneRunner } = await import("../src/zone/zone-runner.js");
  const runner = new ZoneRunner({ name: "fake", arch: "riscv64", cpus: 1, memBytes: 128 << 20, kernel: g.kernel, initrd: g.initrd, cmdline: "console=ttyS0" });
  let out = "";
  let step = 0;
  runner.on("console", (d: Buffer) => {
    out += d.toString("latin1");
    if (step === 0 && out.includes("tsvisor:~# ")) {
      step = 1; // a line of its own, then an idle system for longer than the confirmation window
      runner.input(Buffer.from("echo '---[ end Kernel panic - not syncing: fake ]---'; sleep 4; echo ALIVE-$((6*7)); exit\n"));
    }
  });
  const end = await runner.run();
  assert.match(out, /\n---\[ end Kernel panic - not syncing: fake \]---\r?\n/);
  assert.match(out, /ALIVE-42/);
  assert.equal(end.state, "off", end.reason);
});
