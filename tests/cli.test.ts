// The tsvisor CLI as a user runs it: exit codes and messages for good and bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAsm } from "./helpers/guest.js";
import { demoGuest } from "./helpers/demo-guest.js";
import { EXIT } from "../src/cli/exit-codes.js";

const CLI = fileURLToPath(new URL("../../bin/tsvisor.js", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-cli-"));

function run(args: string[], timeout = 120000) {
  const r = spawnSync("node", [CLI, ...args], { encoding: "utf8", timeout, input: "" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("run --kernel boots a bare-metal Image and exits 0 on poweroff", () => {
  const r = run(["run", "--kernel", buildAsm(["smoke.S"]), "--mem", "64M"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /PASS/);
});

test("a guest failure reported through SRST is its own exit status", () => {
  // fail.S reports test 7 failed and powers off with the "system failure" reason
  const r = run(["run", "--kernel", buildAsm(["fail.S"]), "--mem", "64M"]);
  assert.equal(r.code, EXIT.GUEST_FAILURE);
  assert.match(r.err, /zone zone: the guest reported a system failure \(SBI system reset\)/);
  assert.match(r.out, /FAIL 7/);
});

test("run stops a guest that reboots in a loop, as the daemon does (exit 6, with the reason)", () => {
  // Before zones shared ZoneRunner, `run` rebooted such a guest for ever (the timeout killed it).
  const r = run(["run", "--kernel", buildAsm(["zone-reboot.S"]), "--mem", "64M"], 60000);
  assert.equal(r.code, EXIT.GUEST_ERROR, r.err);
  assert.equal(r.out.split("REBOOTING").length - 1, 3);
  assert.match(r.err, /zone zone: reboot loop: the guest rebooted 3 times in a row, each within 30 s of booting/);
});

test("a missing kernel file is named in the error", () => {
  const r = run(["run", "--kernel", join(tmp, "nope.Image")]);
  assert.equal(r.code, EXIT.START);
  assert.match(r.err, /nope\.Image.*file not found/);
});

test("a file that is no payload, or not the format asked for, is rejected with the reason", () => {
  const f = join(tmp, "junk.bin");
  writeFileSync(f, Buffer.alloc(4096, 0x41));
  const r = run(["run", "--kernel", f]);
  assert.equal(r.code, EXIT.START);
  assert.match(r.err, /^tsvisor: .*junk\.bin: not a Linux Image, an ELF executable or a raw binary: it looks like a text file\n$/);
  const img = run(["run", "--kernel", f, "--format", "image"]);
  assert.equal(img.code, EXIT.START);
  assert.match(img.err, /junk\.bin: not a RISC-V Linux Image/);
  const bad = run(["run", "--kernel", f, "--format", "bzimage"]);
  assert.equal(bad.code, EXIT.CONFIG);
  assert.match(bad.err, /^tsvisor: --format: expected auto, image, elf, raw, got "bzimage"\n$/);
});

test("too little memory for kernel + initrd is refused before booting", () => {
  const g = demoGuest();
  const r = run(["run", "--kernel", g.kernel, "--initrd", g.initrd, "--mem", "16M"]);
  assert.equal(r.code, EXIT.START);
  assert.match(r.err, /too little memory for kernel \+ initrd: needs at least \d+ MiB, the zone has 16 MiB/);
});

test("bad --mem and --cpus values are explained", () => {
  assert.match(run(["run", "--kernel", "x", "--mem", "lots"]).err, /--mem: "lots" is not a size/);
  assert.match(run(["run", "--kernel", "x", "--cpus", "0"]).err, /--cpus: expected 1\.\.32/);
});

test("a zone config file with mistakes reports file, field and fix", () => {
  const f = join(tmp, "bad.toml");
  writeFileSync(f, '[zone]\nname = "x"\ncpu = 2\n[boot]\n');
  const r = run(["run", f]);
  assert.equal(r.code, EXIT.CONFIG);
  assert.match(r.err, /bad\.toml: zone\.cpu: unknown field "cpu" in \[zone\]: did you mean "cpus"\?/);
  assert.match(r.err, /bad\.toml: boot\.kernel: missing/);
});

test("the demo guest boots from a zone config file with overrides", () => {
  const g = demoGuest();
  const f = join(tmp, "zone.toml");
  writeFileSync(f, `[zone]\nname = "cfg"\ncpus = 1\nmemory = "128M"\n[boot]\nkernel = "${g.kernel}"\ninitrd = "${g.initrd}"\n`);
  const r = run(["run", f, "--append", "console=ttyS0 tsvisor.test=smoke", "--cpus", "2"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /TSVISOR-CPUS=2/);
});
