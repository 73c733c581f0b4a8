// The zone validator (`tsvisor check`): each kind of bad config gets its exact "file: field: fix"
// message, problems in several files are all reported, and good sets pass.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkZones } from "../src/zone/check.js";
import { defaultSystemConfig, loadSystemConfig, type SystemConfig } from "../src/config/system-config.js";
import { buildAsm } from "./helpers/guest.js";
import { jsonSchema } from "../src/config/json-schema.js";
import { GUEST_RAM_OFF } from "../src/engine/riscv64/layout.js";
import { maxZoneMemory } from "../src/engine/engine.js";
import { engineFor } from "../src/engine/registry.js";

// What a zone takes from the pool besides its RAM (the engine's fixed region), in MiB.
const ENGINE_MIB = GUEST_RAM_OFF / 2 ** 20;
const MAX_MIB = Math.floor(maxZoneMemory(engineFor("riscv64")) / 2 ** 20);

const CLI = fileURLToPath(new URL("../../bin/tsvisor.js", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-check-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const HOST = [0, 1, 2, 3];
const kernel = buildAsm(["zone-idle.S"]);
const junk = join(tmp, "junk.img");
writeFileSync(junk, Buffer.alloc(4096, 0x41));
const bigInitrd = join(tmp, "big.cpio");
writeFileSync(bigInitrd, Buffer.alloc(40 * 1024 * 1024));

let n = 0;
/** Write a zone file; `zone` and `boot` are the bodies of those tables. */
function zoneFile(zone: string, boot = `kernel = "${kernel}"`, extra = ""): string {
  const f = join(tmp, `z${++n}.toml`);
  writeFileSync(f, `[zone]\n${zone}\n[boot]\n${boot}\n${extra}`);
  return f;
}
function systemFile(text: string): SystemConfig {
  const f = join(tmp, `sys${++n}.toml`);
  writeFileSync(f, text);
  return loadSystemConfig(f);
}
const check = (files: string[], sys = defaultSystemConfig()) => checkZones(files, sys, HOST).problems;

const cases: { what: string; files: () => string[]; sys?: () => SystemConfig; expect: (f: string[]) => (string | RegExp)[] }[] = [
  { what: "malformed TOML", files: () => [zoneFile('name = "a', "")],
    expect: (f) => [new RegExp(`^${f[0]}:2:10: not valid TOML: .*\n    2 \| name = "a\n      \|          \^$`)] },
  { what: "unknown field", files: () => [zoneFile('name = "a"\ncpu = 2')],
    expect: (f) => [`${f[0]}: zone.cpu: unknown field "cpu" in [zone]: did you mean "cpus"?`] },
  { what: "unknown table", files: () => [zoneFile('name = "a"', `kernel = "${kernel}"`, "[network]\nx = 1\n")],
    expect: (f) => [`${f[0]}: network: unknown table "network": remove it (the file has "zone", "boot", "device")`] },
  { what: "kernel not given", files: () => [zoneFile('name = "a"', "")],
    expect: (f) => [`${f[0]}: boot.kernel: missing: add kernel = "images/Image" under [boot]`] },
  { what: "missing kernel file", files: () => [zoneFile('name = "a"', 'kernel = "nope/Image"')],
    expect: (f) => [`${f[0]}: boot.kernel: cannot read kernel ${join(tmp, "nope/Image")}: file not found: fix the path (relative paths are relative to the zone file)`] },
  { what: "kernel that is no payload (text)", files: () => [zoneFile('name = "a"', `kernel = "${junk}"`)],
    expect: (f) => [`${f[0]}: boot.kernel: ${junk}: not a Linux Image, an ELF executable or a raw binary: it looks like a text file`] },
  { what: "kernel forced to be an Image that is none", files: () => [zoneFile('name = "a"', `kernel = "${junk}"\nformat = "image"`)],
    expect: (f) => [`${f[0]}: boot.kernel: ${junk}: not a RISC-V Linux Image: header magic "RSC\\x05" not found at offset 56`] },
  { what: "missing initrd file", files: () => [zoneFile('name = "a"', `kernel = "${kernel}"\ninitrd = "/nonexistent/initrd"`)],
    expect: (f) => [`${f[0]}: boot.initrd: cannot read initrd /nonexistent/initrd: file not found: fix the path (relative paths are relative to the zone file)`] },
  { what: "a size that is not a size", files: () => [zoneFile('name = "a"\nmemory = "lots"')],
    expect: (f) => [`${f[0]}: zone.memory: "lots" is not a size: write a number and a unit K, M, G or T, as QEMU does: 512M, 1G, 1.5G (a bare number is MiB)`] },
  { what: "memory not a multiple of 64K", files: () => [zoneFile('name = "a"\nmemory = "1000K"')],
    expect: (f) => [`${f[0]}: zone.memory: 1000K is not a multiple of 64K: round it, e.g. to 1M`] },
  { what: "memory more than a zone can have", files: () => [zoneFile('name = "a"\nmemory = "8G"')],
    expect: (f) => [`${f[0]}: zone.memory: 8G is more than a zone can have: use at most ${MAX_MIB}M`] },
  { what: "too little memory for kernel + initrd", files: () => [zoneFile('name = "a"\nmemory = "48M"', `kernel = "${kernel}"\ninitrd = "${bigInitrd}"`)],
    expect: (f) => [/^.*: zone\.memory: zone a: too little memory for kernel \+ initrd: needs at least \d+ MiB, the zone has 48 MiB/] },
  { what: "memory larger than the pool", sys: () => systemFile('[pool]\nmemory = "256M"\n'),
    files: () => [zoneFile('name = "a"\nmemory = "512M"')],
    expect: (f) => [`${f[0]}: zone.memory: zone "a" needs ${512 + ENGINE_MIB} MiB (memory 512 MiB + ${ENGINE_MIB} MiB engine state) but the pool has 256 MiB free of 256 MiB: lower memory, stop a zone, or raise pool.memory in the system file`] },
  { what: "zones that together exceed the pool", sys: () => systemFile('[pool]\nmemory = "280M"\n'),
    files: () => [zoneFile('name = "a"\nmemory = "128M"'), zoneFile('name = "b"\nmemory = "128M"')],
    expect: (f) => [`${f[1]}: zone.memory: zone "b" needs ${128 + ENGINE_MIB} MiB (memory 128 MiB + ${ENGINE_MIB} MiB engine state) but the pool has ${280 - 128 - ENGINE_MIB} MiB free of 280 MiB (in use: a ${128 + ENGINE_MIB} MiB): lower memory, stop a zone, or raise pool.memory in the system file`] },
  { what: "host_cpus count differs from cpus", files: () => [zoneFile('name = "a"\ncpus = 2\nhost_cpus = [1]')],
    expect: (f) => [`${f[0]}: zone.host_cpus: lists 1 host CPU(s) for cpus = 2: give exactly one host CPU per vCPU`] },
  { what: "a CPU listed twice", files: () => [zoneFile('name = "a"\nhost_cpus = [1, 1]')],
    expect: (f) => [`${f[0]}: zone.host_cpus: host CPU 1 is listed twice: each vCPU needs a CPU of its own`] },
  { what: "realtime zone asking to share", files: () => [zoneFile('name = "a"\nkind = "realtime"\nshare_cpus = true')],
    expect: (f) => [`${f[0]}: zone.share_cpus: realtime zones never share CPUs: remove share_cpus or use kind = "user"`] },
  { what: "overlapping CPUs", files: () => [zoneFile('name = "a"\nhost_cpus = [1, 2]\ncpus = 2'), zoneFile('name = "b"\nhost_cpus = [2]')],
    expect: (f) => [`${f[1]}: zone.host_cpus: zone "b" and zone "a" both want host CPU 2: pick another CPU, or set share_cpus = true in both zones`] },
  { what: "a user zone sharing with a realtime zone", files: () => [zoneFile('name = "r"\nkind = "realtime"\nhost_cpus = [3]'), zoneFile('name = "u"\nhost_cpus = [3]\nshare_cpus = true')],
    expect: (f) => [`${f[1]}: zone.host_cpus: zone "u" and zone "r" both want host CPU 3: realtime zones never share CPUs, pick another CPU`] },
  { what: "a zone on zone0's CPUs", sys: () => systemFile("[zone0]\nhost_cpus = [0]\n"), files: () => [zoneFile('name = "a"\nhost_cpus = [0]')],
    expect: (f) => [`${f[0]}: zone.host_cpus: zone "a" and zone0 both want host CPU 0 (zone0.host_cpus in the system file): pick another CPU or set share_cpus = true`] },
  { what: "a CPU the host does not have", files: () => [zoneFile('name = "a"\nhost_cpus = [9]')],
    expect: (f) => [`${f[0]}: zone.host_cpus: zone "a": host CPU 9 does not exist here (usable host CPUs: 0,1,2,3)`] },
  { what: "more vCPUs than free CPUs", sys: () => systemFile("[zone0]\nhost_cpus = [0, 1]\n"), files: () => [zoneFile('name = "a"\ncpus = 3')],
    expect: (f) => [`${f[0]}: zone.cpus: zone "a" needs 3 host CPU(s) but 2 are free (free: 2,3; zone0 keeps: 0,1): stop a zone, lower cpus, or choose host_cpus`] },
  { what: "duplicate names", files: () => [zoneFile('name = "same"'), zoneFile('name = "same"')],
    expect: (f) => [`${f[1]}: zone.name: "same" is also the name of the zone in ${f[0]}: names must be unique`] },
  { what: "duplicate ids", files: () => [zoneFile('name = "a"\nid = 7'), zoneFile('name = "b"\nid = 7')],
    expect: (f) => [`${f[1]}: zone.id: 7 is also the id of the zone in ${f[0]}: ids must be unique`] },
  { what: "a name with spaces", files: () => [zoneFile('name = "my zone"')],
    expect: (f) => [`${f[0]}: zone.name: "my zone" is not a zone name: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`] },
  { what: "an unknown kind", files: () => [zoneFile('name = "a"\nkind = "rt"')],
    expect: (f) => [`${f[0]}: zone.kind: "rt" is not a zone kind: use "user" or "realtime"`] },
  { what: "zero vCPUs", files: () => [zoneFile('name = "a"\ncpus = 0')],
    expect: (f) => [`${f[0]}: zone.cpus: 0 is too small: use at least 1`] },
];

for (const c of cases) {
  test(`check refuses ${c.what}`, () => {
    const files = c.files();
    const got = check(files, c.sys?.());
    const want = c.expect(files);
    assert.equal(got.length, want.length, got.join("\n"));
    want.forEach((w, i) => (typeof w === "string" ? assert.equal(got[i], w) : assert.match(got[i], w)));
  });
}

test("a bad system file is reported with its own name", () => {
  const f = join(tmp, "bad-sys.toml");
  writeFileSync(f, '[zone0]\nhost_cpus = [0, 0]\n[pool]\nmemory = "x"\nextra = 1\n');
  assert.throws(() => loadSystemConfig(f), (e: Error) => {
    assert.match(e.message, new RegExp(`${f}: pool\\.extra: unknown field "extra" in \\[pool\\]: remove it`));
    assert.match(e.message, new RegExp(`${f}: zone0\\.host_cpus: host CPU 0 is listed twice: list it once`));
    assert.match(e.message, new RegExp(`${f}: pool\\.memory: "x" is not a size`));
    return true;
  });
  const sys = systemFile("[zone0]\nhost_cpus = [8]\n");
  assert.deepEqual(check([zoneFile('name = "a"')], sys), [`${sys.file}: zone0.host_cpus: host CPU 8 does not exist here (usable host CPUs: 0,1,2,3)`]);
});

test("tsvisor check: exit 3 with every problem on stderr; exit 0 with the placement for a good set", () => {
  const a = zoneFile('name = "a"\nhost_cpus = [0]');
  const b = zoneFile('name = "b"\nhost_cpus = [0]\nkind = "realtime"');
  const bad = spawnSync("node", [CLI, "check", a, b], { encoding: "utf8" });
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /zone "b" and zone "a" both want host CPU 0: realtime zones never share CPUs/);
  assert.match(bad.stderr, /tsvisor check: 1 problem\(s\)/);
  const c = zoneFile('name = "c"\nhost_cpus = [1]');
  const ok = spawnSync("node", [CLI, "check", a, c], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ok: zone a \(user\), vCPUs on host CPUs 0/);
  assert.match(ok.stdout, /2 zone\(s\) fit together/);
});

test("the zone and system schemas come out as JSON Schema", () => {
  const zone = JSON.parse(jsonSchema("zone")) as { title: string; properties: { zone: { properties: Record<string, unknown>; additionalProperties: boolean } }; required: string[] };
  assert.equal(zone.title, "tsvisor zone file");
  assert.deepEqual(zone.required.sort(), ["boot", "zone"]);
  for (const k of ["name", "id", "kind", "cpus", "memory", "host_cpus", "share_cpus"]) assert.ok(k in zone.properties.zone.properties, k);
  assert.equal(zone.properties.zone.additionalProperties, false);
  const sys = JSON.parse(jsonSchema("system")) as { properties: Record<string, unknown> };
  assert.deepEqual(Object.keys(sys.properties), ["zone0", "pool"]);
});
