// Bare-metal A64 programs as zones: `tsvisor run --kernel <ELF>` picks the aarch64 engine from the
// ELF's machine, the PL011 carries the console, PSCI SYSTEM_OFF over HVC ends the zone with 0;
// what the engine cannot run ends it in error with the instruction and the pc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "./helpers/daemon.js";
import { buildA64, CACHE } from "./helpers/a64.js";
import { resolveRunConfig } from "../src/cli/run.js";
import { loadZoneConfig } from "../src/config/zone-config.js";

function run(args: string[]) {
  const r = spawnSync("node", [CLI, "run", ...args], { encoding: "utf8", timeout: 60_000, input: "" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("tsvisor run --kernel <aarch64 ELF>: PASS on the PL011, PSCI SYSTEM_OFF ends the zone with 0", () => {
  for (const p of [["smoke.S"], ["exceptions.S", "vectors.S"], ["mmu.S", "vectors.S"], ["mmio64.S"], ["gic.S", "vectors.S"]]) {
    const r = run(["--kernel", `${buildA64(p)}.elf`, "--mem", "64M"]);
    assert.equal(r.out, "PASS\n", `${p}: ${r.err}`);
    assert.equal(r.code, 0, r.err);
  }
});

test("a zone file with arch = \"aarch64\" boots a raw binary at 0x4008_0000; its default cmdline is the PL011's console", () => {
  const zone = join(CACHE, "a64-raw.toml");
  writeFileSync(zone, `[zone]\nname = "a64"\narch = "aarch64"\nmemory = "64M"\n[boot]\nkernel = "${buildA64(["dp.S"])}"\n`);
  assert.equal(loadZoneConfig(zone).cmdline, "console=ttyAMA0");
  const r = run([zone]);
  assert.equal(r.out, "PASS\n", r.err);
  assert.equal(r.code, 0);
});

test("an instruction the engine lacks is named once; a guest without vectors then ends the zone in error", () => {
  const r = run(["--kernel", `${buildA64(["unimplemented.S"])}.elf`, "--mem", "64M"]);
  assert.equal(r.code, 6, r.err);
  assert.match(r.err, /vCPU 0: instruction 0x1e622820 at pc 0x[0-9a-f]+ raised UNDEFINED: the aarch64 engine does not implement it/);
  assert.match(r.err, /vCPU 0: instruction fetch outside RAM at pc 0x200, address 0x200/);
  assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
});

test("two vCPUs: PSCI CPU_ON starts the second, LDXR/STXR add atomically across both threads, CPU_OFF turns it off", () => {
  const r = run(["--kernel", `${buildA64(["smp.S"])}.elf`, "--mem", "64M", "--cpus", "2"]);
  assert.equal(r.out, "PASS\n", r.err);
  assert.equal(r.code, 0, r.err);
});

test("two vCPUs with the MMU on: a broadcast TLBI reaches the other vCPU's TLB", () => {
  for (let i = 0; i < 3; i++) {
    const r = run(["--kernel", `${buildA64(["smp-tlbi.S"])}.elf`, "--mem", "64M", "--cpus", "2"]);
    assert.equal(r.out, "PASS\n", r.err);
    assert.equal(r.code, 0, r.err);
  }
});

test("an SGI from one vCPU wakes another out of WFI into its IRQ handler", () => {
  for (let i = 0; i < 3; i++) {
    const r = run(["--kernel", `${buildA64(["smp-sgi.S", "vectors.S"])}.elf`, "--mem", "64M", "--cpus", "2"]);
    assert.equal(r.out, "PASS\n", r.err);
    assert.equal(r.code, 0, r.err);
  }
});

test("a zone whose every vCPU is off (PSCI CPU_OFF) ends in error, saying so", () => {
  const r = run(["--kernel", `${buildA64(["all-off.S"])}.elf`, "--mem", "64M"]);
  assert.equal(r.code, 6, r.err);
  assert.match(r.err, /vCPU 0: every vCPU is off \(PSCI CPU_OFF\) and none can be started again/);
});

test("run --kernel: the file's architecture picks the engine, and without --append its console (ttyAMA0 / ttyS0)", () => {
  const elf = `${buildA64(["smoke.S"])}.elf`;
  const c = resolveRunConfig(undefined, { kernel: elf });
  assert.equal(c.arch, "aarch64");
  assert.equal(c.cmdline, "console=ttyAMA0");
  assert.equal(resolveRunConfig(undefined, { kernel: elf, append: "quiet" }).cmdline, "quiet");
  const raw = resolveRunConfig(undefined, { kernel: buildA64(["smoke.S"]) });
  assert.deepEqual([raw.arch, raw.cmdline], ["riscv64", "console=ttyS0"], "a raw binary names no architecture");
});
