// Disk images have one writer: a writable image is locked for the zone that opens it (an OFD lock,
// as QEMU does), read-only images can be shared by read-only users, and the daemon and `tsvisor
// check` name both zones when two configs want the same image (by file identity, not by path).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, linkSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Zone, type ZoneSpec } from "../src/zone/zone.js";
import { ApiError, ZoneManager } from "../src/daemon/manager.js";
import type { ZoneConfig } from "../src/config/zone-config.js";
import type { DeviceConfig } from "../src/config/devices.js";
import { allowedCpus } from "../src/host/affinity.js";
import { buildAsm } from "./helpers/guest.js";
import { CLI } from "./helpers/daemon.js";
import { lockWholeFile, type LockMechanism } from "../src/host/file-lock.js";
import { openDiskImage } from "../src/host/block-file.js";

const M = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-disklock-"));
const idle = buildAsm(["zone-idle.S"]);
const disk = join(tmp, "disk.img");
writeFileSync(disk, Buffer.alloc(M));
const alias = join(tmp, "alias.img"); // a hard link: another path to the same file
linkSync(disk, alias);
const other = join(tmp, "other.img");
writeFileSync(other, Buffer.alloc(M));
const mgr = new ZoneManager({ system: { file: "(test)", zone0Cpus: [], poolBytes: 1024 * M }, hostCpus: allowedCpus(), zonesDir: join(tmp, "zones") });
after(async () => {
  await mgr.stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

const blk = (path: string, readonly = false, slot = 0): DeviceConfig => ({ type: "blk", slot, path, readonly, serial: "d" });
const spec = (name: string, devices: DeviceConfig[]): ZoneSpec => ({ name, arch: "riscv64", cpus: 1, memBytes: 64 * M, kernel: idle, cmdline: "", devices });

interface Running { zone: Zone; ended: Promise<unknown> }

async function running(name: string, devices: DeviceConfig[]): Promise<Running> {
  const zone = new Zone(spec(name, devices));
  const ready = once(zone, "ready");
  const ended = zone.start();
  await Promise.race([ready, ended.then((o) => assert.fail(`zone ${name} ended before it ran: ${JSON.stringify(o)}`))]);
  return { zone, ended };
}

async function stop(r: Running): Promise<void> {
  r.zone.stop();
  await r.ended;
}

/** The message a zone start is refused with (a zone that does start is stopped and the test fails). */
async function refusal(name: string, devices: DeviceConfig[]): Promise<string> {
  const zone = new Zone(spec(name, devices));
  let ended: Promise<unknown>;
  try {
    ended = zone.start();
  } catch (e) {
    return (e as Error).message;
  }
  zone.stop();
  await ended;
  return assert.fail(`zone ${name} started although its disk is in use`);
}

test("a second zone on a writable image is refused while the first runs, by any path; the lock ends with the zone", async () => {
  const a = await running("wa", [blk(disk)]);
  try {
    assert.match(await refusal("wb", [blk(alias)]),
      /^zone wb: virtio blk device in slot 0: .*alias\.img is in use by another process or zone \(locked for writing\): /);
    assert.match(await refusal("wc", [blk(disk, true)]), /disk\.img is in use by another process or zone \(locked for writing\)/);
    // other images are not affected
    await stop(await running("wd", [blk(other)]));
  } finally {
    await stop(a);
  }
  await stop(await running("we", [blk(alias)]));
});

test("read-only users share an image; a writer is refused while they run", async () => {
  const a = await running("ra", [blk(disk, true)]);
  const b = await running("rb", [blk(alias, true)]);
  try {
    assert.match(await refusal("rc", [blk(disk)]), /disk\.img is in use by another process or zone \(locked for reading\)/);
  } finally {
    await stop(a);
    await stop(b);
  }
  await stop(await running("rd", [blk(disk)]));
});

test("one zone cannot have the same writable image twice", async () => {
  assert.match(await refusal("twice", [blk(disk), blk(alias, true, 1)]), /slot 1: .*alias\.img is in use/);
});

function cfg(name: string, devices: DeviceConfig[]): ZoneConfig {
  return { file: join(tmp, `${name}.toml`), name, kind: "user", arch: "riscv64", cpus: 1, memBytes: 64 * M, kernel: idle, cmdline: "", shareCpus: true, devices };
}

async function conflict(name: string, devices: DeviceConfig[]): Promise<ApiError> {
  let err: unknown;
  await mgr.start(cfg(name, devices)).then(() => mgr.shutdown(name), (e) => (err = e));
  assert.ok(err instanceof ApiError, `zone ${name} started although its disk is in use`);
  return err;
}

test("the daemon refuses a zone whose disk a live zone uses (409), naming both zones and the image", async () => {
  await mgr.start(cfg("alpha", [blk(disk)]));
  const e = await conflict("beta", [blk(other), blk(alias, true, 1)]);
  assert.equal(e.status, 409);
  assert.match(e.message, new RegExp(`^${tmp}/beta\\.toml: device\\.1\\.path: zone "beta" and zone "alpha" \\(id \\d+, running\\) ` +
    `both use disk image ${alias} \\(as ${disk} in zone "alpha"\\), writable in zone "alpha": `));
  assert.deepEqual(e.problems, [e.message]);
  assert.deepEqual(mgr.list().zones.map((z) => z.name), ["alpha"]);
  await mgr.shutdown("alpha");
  // two read-only users are fine; a writer next to them is not
  await mgr.start(cfg("ro1", [blk(disk, true)]));
  await mgr.start(cfg("ro2", [blk(alias, true)]));
  assert.match((await conflict("rw", [blk(disk)])).message, /zone "rw" and zone "ro1" .* writable in zone "rw"/);
  await mgr.shutdown("ro1");
  await mgr.shutdown("ro2");
  await mgr.start(cfg("rw", [blk(disk)]));
  await mgr.shutdown("rw");
});

function zoneFile(name: string, disks: string): string {
  const f = join(tmp, `${name}.toml`);
  writeFileSync(f, `[zone]\nname = "${name}"\nmemory = "64M"\nshare_cpus = true\n[boot]\nkernel = "${idle}"\n${disks}`);
  return f;
}
const dev = (path: string, ro = false) => `[[device]]\ntype = "blk"\npath = "${path}"\nreadonly = ${ro}\n`;

test("tsvisor check reports two zones on one writable image and a missing image, and passes read-only sharing", () => {
  const a = zoneFile("ca", dev(disk));
  const b = zoneFile("cb", dev(join(tmp, "nonexistent.img")) + dev(alias));
  const r = spawnSync("node", [CLI, "check", a, b], { encoding: "utf8" });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`^${b}: device\\.1\\.path: zone "cb" and zone "ca" \\(${a}\\) both use disk image ${alias} ` +
    `\\(as ${disk} in zone "ca"\\), writable in both: `, "m"));
  // a missing image is no conflict, but zone start refuses it, so check does too
  assert.match(r.stderr, new RegExp(`^${b}: device\\.0\\.path: disk image ${join(tmp, "nonexistent.img")} not found: create it`, "m"));
  assert.match(r.stderr, /tsvisor check: 2 problem\(s\)/);
  const ok = spawnSync("node", [CLI, "check", zoneFile("cc", dev(disk, true)), zoneFile("cd", dev(alias, true))], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
});

for (const mech of ["ofd", "flock"] as LockMechanism[]) {
  test(`${mech} locks: one writer or many readers, per open of the file (also within one process)`, () => {
    const open = (flags: string) => openSync(disk, flags);
    const w1 = open("r+"), w2 = open("r+"), r1 = open("r"), r2 = open("r");
    try {
      assert.equal(lockWholeFile(r1, false, mech), undefined);
      assert.equal(lockWholeFile(r2, false, mech), undefined);
      assert.deepEqual(lockWholeFile(w1, true, mech), { heldFor: "reading" });
      closeSync(r1);
      closeSync(r2);
      assert.equal(lockWholeFile(w1, true, mech), undefined);
      assert.deepEqual(lockWholeFile(w2, true, mech), { heldFor: "writing" });
      const r3 = open("r");
      assert.deepEqual(lockWholeFile(r3, false, mech), { heldFor: "writing" });
      closeSync(r3);
    } finally {
      for (const fd of [w1, w2]) closeSync(fd);
    }
  });
}

test("the lock follows the open file: a child process that inherited the fd keeps the image locked", async () => {
  const { fd } = openDiskImage(disk, false);
  const child = spawn(process.execPath, ["-e", "process.stdin.resume()"], { stdio: ["pipe", "ignore", "ignore", fd] });
  closeSync(fd);
  try {
    assert.throws(() => openDiskImage(alias, true), /in use by another process or zone \(locked for writing\)/);
  } finally {
    child.stdin!.end();
    await once(child, "exit");
  }
  closeSync(openDiskImage(alias, true).fd);
});

test("disk images must be regular files or block devices; a FIFO does not block the open", () => {
  const fifo = join(tmp, "fifo");
  spawnSync("mkfifo", [fifo]);
  for (const ro of [true, false]) {
    assert.throws(() => openDiskImage(fifo, ro), /^Error: disk image .*fifo is a FIFO \(named pipe\), not a regular file or a block device: /);
  }
  assert.throws(() => openDiskImage("/dev/null", true), /is a character device, not a regular file or a block device/);
});

test("a block device works as a disk image, locked like a file", (t) => {
  const loop = spawnSync("losetup", ["--find", "--show", other], { encoding: "utf8" });
  if (loop.status !== 0) return t.skip(`no loop device to test with (losetup: ${loop.stderr.trim() || "not available"})`);
  const dev = loop.stdout.trim();
  try {
    const a = openDiskImage(dev, false);
    assert.equal(a.size, M);
    assert.throws(() => openDiskImage(dev, true), /locked for writing/);
    closeSync(a.fd);
  } finally {
    spawnSync("losetup", ["--detach", dev]);
  }
});
