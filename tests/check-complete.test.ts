// `tsvisor check` finds every problem in one pass: a file with many problems gets all of them, a
// bad field hides none of the host checks, zod's own wording never reaches the user, TOML errors
// name line and column, and what `zone start` refuses at preflight (a missing disk image) `check`
// refuses too.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkZones } from "../src/zone/check.js";
import { preflightZone } from "../src/zone/preflight.js";
import { defaultSystemConfig } from "../src/config/system-config.js";
import { parseZoneConfig } from "../src/config/zone-config.js";
import { buildAsm } from "./helpers/guest.js";
import { CLI } from "./helpers/daemon.js";
import { EXIT } from "../src/cli/exit-codes.js";
import { isRoot, needsRoot, runAs, sharedTmp, testUser, userEnv } from "./helpers/users.js";

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-check-all-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const HOST = [0, 1];
const kernel = buildAsm(["zone-idle.S"]);
const disk = join(tmp, "disk.img");
writeFileSync(disk, Buffer.alloc(1024 * 1024));

let n = 0;
function zoneFile(zone: string, boot = `kernel = "${kernel}"`, extra = ""): string {
  const f = join(tmp, `z${++n}.toml`);
  writeFileSync(f, `[zone]\n${zone}\n[boot]\n${boot}\n${extra}`);
  return f;
}
const check = (files: string[]) => checkZones(files, defaultSystemConfig(), HOST).problems;
/** "file: field" of each problem, sorted: what was found, without the wording. */
const fields = (problems: string[]) => problems.map((p) => /^(.*?: [^:]+):/.exec(p)![1]).sort();

test("a file with many problems gets all of them in one run", () => {
  // The user's report: a bad kernel path hid a CPU error, a CPU-count error hid memory = "5G",
  // a missing disk image passed check.
  const many = zoneFile('name = "many"\nkind = "rt"\ncpus = 3\nhost_cpus = [1]\nmemory = "5G"\ncpu = 1',
    'kernel = "nope/Image"\ninitrd = "nope.cpio"\nformat = "elff"',
    '[[device]]\ntype = "blk"\npath = "missing.img"\n[[device]]\ntype = "net"\ntap = "this-name-is-too-long"\n' +
    '[[device]]\ntype = "rng"\nslot = 9\n[[device]]\ntype = "gpu"\n');
  const got = check([many]);
  assert.deepEqual(fields(got), [
    "boot.format", "boot.initrd", "boot.kernel", "device.0.path", "device.1.tap", "device.2.slot", "device.3.type",
    "zone.cpu", "zone.host_cpus", "zone.kind", "zone.memory",
  ].map((f) => `${many}: ${f}`), got.join("\n"));
  assert.ok(got.some((p) => p.includes('zone.memory: 5G is more than a zone can have')), got.join("\n"));
  assert.ok(got.some((p) => p.includes(`device.0.path: disk image ${join(tmp, "missing.img")} not found: create it`)), got.join("\n"));
});

test("a bad kernel hides no CPU problem, a bad memory no kernel problem", () => {
  const a = zoneFile('name = "a"\nhost_cpus = [5]', 'kernel = "nope/Image"');
  const b = zoneFile('name = "b"\nmemory = "lots"\nhost_cpus = [0]', 'kernel = "nope/Image"');
  const c = zoneFile('name = "c"\nkind = "realtime"\nhost_cpus = [0]');
  const got = check([a, b, c]);
  assert.deepEqual(fields(got), [`${a}: boot.kernel`, `${a}: zone.host_cpus`, `${b}: boot.kernel`, `${b}: zone.memory`, `${c}: zone.host_cpus`], got.join("\n"));
  assert.ok(got.some((p) => p.includes('zone "a": host CPU 5 does not exist here')));
  assert.ok(got.some((p) => p.includes('zone "c" and zone "b" both want host CPU 0: realtime zones never share CPUs')));
});

const netAdmin = isRoot ? {} : { skip: "needs root: opening a TAP needs CAP_NET_ADMIN" };

test("zones in one set: same name, id, writable disk, TAP, and memory beyond the pool", netAdmin, () => {
  const dev = `[[device]]\ntype = "blk"\npath = "${disk}"\n[[device]]\ntype = "net"\ntap = "tsvchk0"\n`;
  const a = zoneFile('name = "a"\nid = 4\nmemory = "512M"', undefined, dev);
  const b = zoneFile('name = "a"\nid = 4\nmemory = "512M"', undefined, dev);
  const got = check([a, b]);
  assert.deepEqual(fields(got), ["device.0.path", "device.1.tap", "zone.id", "zone.memory", "zone.name"].map((f) => `${b}: ${f}`), got.join("\n"));
  assert.ok(got.some((p) => /device\.1\.tap: TAP tsvchk0 is also a network device of the zone in .*: give each zone its own TAP/.test(p)));
  assert.ok(got.some((p) => /zone\.memory: zone ".*" needs 544 MiB .* but the pool has 480 MiB free of 1024 MiB/.test(p)), got.join("\n"));
});

test("a missing disk image fails check and the preflight of zone start alike", () => {
  const f = zoneFile('name = "d"', undefined, '[[device]]\ntype = "blk"\npath = "gone.img"\n');
  const want = `${f}: device.0.path: disk image ${join(tmp, "gone.img")} not found: create it (e.g. truncate -s 1G ${join(tmp, "gone.img")} && mkfs.ext4 ${join(tmp, "gone.img")})`;
  assert.deepEqual(check([f]), [want]);
  const cfg = parseZoneConfig(`[zone]\nname = "d"\n[boot]\nkernel = "${kernel}"\n[[device]]\ntype = "blk"\npath = "gone.img"\n`, f);
  assert.deepEqual(preflightZone(cfg), [want], "the daemon runs the same check before it starts a zone");
  const odd = join(tmp, "odd.img");
  writeFileSync(odd, Buffer.alloc(1000));
  assert.match(check([zoneFile('name = "o"', undefined, `[[device]]\ntype = "blk"\npath = "${odd}"\n`)])[0],
    /device\.0\.path: disk image .*odd\.img: size 1000 is not a positive multiple of 512 bytes/);
});

test("a writable disk image this user cannot write is reported", needsRoot, () => {
  const shared = sharedTmp("tsvisor-check-ro-");
  try {
    const img = join(shared, "root.img");
    writeFileSync(img, Buffer.alloc(4096));
    chmodSync(img, 0o644);
    const k = join(shared, "kernel.bin");
    writeFileSync(k, Buffer.alloc(4096, 0x13));
    const f = join(shared, "z.toml");
    writeFileSync(f, `[zone]\nname = "w"\n[boot]\nkernel = "${k}"\n[[device]]\ntype = "blk"\npath = "${img}"\n`);
    chmodSync(f, 0o644);
    const r = runAs(testUser("tsvisor-test"), [CLI, "check", f], userEnv(shared));
    assert.equal(r.status, EXIT.CONFIG, r.stdout + r.stderr);
    assert.match(r.stderr, /device\.0\.path: disk image .*root\.img: permission denied for writing: set readonly = true or fix its permissions/);
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }
});

// Configs that provoke every kind of schema issue our schemas can raise.
const BAD: string[] = [
  '[zone]\nname = 1\nkind = "rt"\narch = "x86"\ncpus = 2.5\nid = 0\nmemory = true\nhost_cpus = []\nshare_cpus = "yes"\n[boot]\nkernel = ""\nformat = "elff"\nload_addr = -1\nentry = "x"\n',
  '[zone]\nname = "a"\ncpus = 99\nhost_cpus = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33]\nid = 99999\n[boot]\nkernel = "k"\ninitrd = ""\ncmdline = 3\n',
  '[zone]\nname = "a"\nmemory = -5\n[boot]\nkernel = "k"\n[[device]]\ntype = "blk"\npath = ""\nserial = "123456789012345678901"\nslot = -1\n[[device]]\n[[device]]\ntype = 3\n[[device]]\ntype = "net"\ntap = "a/b"\nmac = 5\n',
  'zone = 3\nboot = [1]\ndevice = "x"\n',
  '[zone]\nname = "a"\nmemory = [1]\nhost_cpus = "0"\n[boot]\nkernel = "k"\nformat = 1\n[zone.extra]\n',
  '[zone]\nname = "a"\nhost_cpus = [1.5, -1, 2000]\n[boot]\nkernel = "k"\n' + '[[device]]\ntype = "rng"\n'.repeat(9),
];
const ZOD_WORDS = /Expected|[Rr]eceived|Invalid (enum|input|literal|type|discriminator)|Required|Unrecognized key|must be (greater|less)|must contain|Number must|String must|Array must/;

test("zod's wording never reaches the user, for any of our schema's issue kinds", () => {
  let seen = 0;
  for (const text of BAD) {
    const f = join(tmp, `bad${++n}.toml`);
    writeFileSync(f, text);
    for (const p of check([f])) {
      seen++;
      assert.doesNotMatch(p, ZOD_WORDS, p);
      assert.match(p, new RegExp(`^${f}: [^:]+: .+`), p);
    }
  }
  assert.ok(seen >= 40, `only ${seen} problems from the bad configs`);
});

test("TOML syntax errors name line and column and show the line", () => {
  const f = join(tmp, "syntax.toml");
  writeFileSync(f, '[zone]\nname = "a"\ncpus = = 2\n');
  const r = spawnSync("node", [CLI, "check", f], { encoding: "utf8" });
  assert.equal(r.status, EXIT.CONFIG);
  assert.match(r.stderr, new RegExp(`^${f}:3:8: not valid TOML: .*: fix the syntax there`, "m"));
  assert.match(r.stderr, /^ {4}3 \| cpus = = 2\n {6}\| {8}\^$/m);
  assert.match(r.stderr, /tsvisor check: 1 problem\(s\)/);
  const sys = join(tmp, "sys-syntax.toml");
  writeFileSync(sys, '[pool]\nmemory = "1G\n');
  const s = spawnSync("node", [CLI, "check", "--system", sys, zoneFile('name = "ok"')], { encoding: "utf8" });
  assert.equal(s.status, EXIT.CONFIG);
  assert.match(s.stderr, new RegExp(`^${sys}:2:\\d+: not valid TOML`, "m"));
});

test("a system file's pool larger than this host's memory is a problem for check too", () => {
  const sys = join(tmp, "huge-pool.toml");
  writeFileSync(sys, '[pool]\nmemory = "900T"\n');
  const r = spawnSync("node", [CLI, "check", "--system", sys, zoneFile('name = "p"')], { encoding: "utf8" });
  assert.equal(r.status, EXIT.CONFIG);
  assert.match(r.stderr, new RegExp(`${sys}: pool\\.memory: 921600 GiB is more than this host has available \\(.*\\): lower it`));
});
