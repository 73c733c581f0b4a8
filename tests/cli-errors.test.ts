// What the CLI prints when things go wrong around it: one line naming the cause and the fix, never
// a stack trace; a closed stdout (`| head -1`) ends it quietly.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "./helpers/daemon.js";
import { buildAsm } from "./helpers/guest.js";
import { needsRoot, runAs, sharedTmp, testUser, userEnv } from "./helpers/users.js";

const tmp = sharedTmp("tsvisor-clierr-");
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync("node", [CLI, ...args], { encoding: "utf8", timeout: 60000, input: "" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function oneLine(s: string): void {
  assert.equal(s.trimEnd().split("\n").length, 1, `expected one line, got:\n${s}`);
  assert.doesNotMatch(s, /\n\s+at /, "a stack trace");
}

test("check: a kernel the user may not read is a problem line, not a crash", needsRoot, () => {
  const u = testUser("tsvisor-test-user");
  const dir = join(tmp, "check");
  mkdirSync(dir, { mode: 0o755 });
  const kernel = join(dir, "Image");
  copyFileSync(buildAsm(["zone-idle.S"]), kernel);
  chmodSync(kernel, 0o600); // root's: the test user gets EACCES
  const zone = join(dir, "z.toml");
  writeFileSync(zone, `[zone]\nname = "z"\nmemory = "64M"\n[boot]\nkernel = "${kernel}"\n`);
  chmodSync(zone, 0o644);
  const r = runAs(u, [CLI, "check", zone], userEnv(tmp));
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stderr, `${zone}: boot.kernel: cannot read kernel ${kernel}: permission denied: ` +
    "fix the path (relative paths are relative to the zone file) or the file's permissions\ntsvisor check: 1 problem(s)\n");
});

test("import -o into a directory that does not exist is one line naming the path", () => {
  const src = join(tmp, "zone1.json");
  writeFileSync(src, JSON.stringify({ arch: "riscv", name: "z", cpus: [0], kernel_filepath: "Image",
    memory_regions: [{ type: "ram", physical_start: "0x80000000", virtual_start: "0x80000000", size: "0x4000000" }] }));
  const out = join(tmp, "no", "such", "dir", "z.toml");
  const r = cli(["import", "hvisor", src, "-o", out]);
  assert.equal(r.code, 1, r.err);
  // the import's notes come first, then the one line about the output
  const last = r.err.trimEnd().split("\n").pop()!;
  assert.doesNotMatch(r.err, /\n\s+at /, "a stack trace");
  assert.match(last, new RegExp(`^tsvisor import: cannot write ${out}: directory ${join(tmp, "no", "such", "dir")} not found: ` +
    "create it or choose another -o path$"));
  const dir = cli(["import", "hvisor", src, "-o", tmp]);
  assert.equal(dir.code, 1, dir.err);
  assert.match(dir.err, new RegExp(`\ntsvisor import: cannot write ${tmp}: it is a directory: choose another -o path\n$`));
});

test("run | head -1: the closed pipe ends tsvisor quietly", () => {
  const chatter = buildAsm(["chatter.S"]);
  const r = spawnSync("bash", ["-c", `set -o pipefail; node ${CLI} run --kernel ${chatter} --mem 64M | head -1`],
    { encoding: "utf8", timeout: 60000, input: "" });
  assert.equal(r.stdout, "chatter\n");
  assert.equal(r.stderr, "");
  assert.equal(r.status, 141, "the status a process killed by SIGPIPE has");
});

test("an internal error is one line with a pointer to TSVISOR_DEBUG, which shows the stack", () => {
  // a stdout that throws stands in for a bug: the error reaches the CLI's last resort
  const inject = "data:text/javascript,process.stdout.write=()=>{throw new Error('injected failure')}";
  const run = (env: NodeJS.ProcessEnv) => spawnSync("node", ["--import", inject, CLI, "schema", "zone"],
    { encoding: "utf8", env: { ...process.env, ...env } });
  const r = run({ TSVISOR_DEBUG: "" });
  assert.equal(r.status, 70);
  assert.equal(r.stderr, "tsvisor: internal error: injected failure (a bug in tsvisor: TSVISOR_DEBUG=1 prints where it happened)\n");
  const d = run({ TSVISOR_DEBUG: "1" });
  assert.equal(d.status, 70);
  assert.match(d.stderr, /^tsvisor: internal error: Error: injected failure\n\s+at /);
});

test("run --kernel with a kernel tsvisor has no engine for, and a zone file whose arch does not match its kernel: one line naming the architecture", () => {
  const x86 = new Uint8Array(128);
  x86.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  new DataView(x86.buffer).setUint16(16, 2, true);
  new DataView(x86.buffer).setUint16(18, 62, true); // EM_X86_64
  const vmlinux = join(tmp, "x86-vmlinux");
  writeFileSync(vmlinux, x86);
  const r = cli(["run", "--kernel", vmlinux, "--mem", "64M"]);
  assert.equal(r.code, 4, r.err);
  oneLine(r.err);
  assert.match(r.err, new RegExp(`^tsvisor: --kernel ${vmlinux}: it is an x86_64 ELF executable: tsvisor has no x86_64 engine yet \\(it runs riscv64, aarch64\\)\n$`));
  const img = new Uint8Array(4096);
  new DataView(img.buffer).setUint32(0x38, 0x644d5241, true); // "ARM\x64"
  new DataView(img.buffer).setBigUint64(16, 0x100000n, true);
  const kernel = join(tmp, "arm64-Image");
  writeFileSync(kernel, img);
  const zone = join(tmp, "arm64.toml");
  writeFileSync(zone, `[zone]\nname = "a"\nmemory = "64M"\n[boot]\nkernel = "${kernel}"\n`);
  const c = cli(["check", zone]);
  assert.equal(c.code, 3, c.err);
  assert.match(c.err, new RegExp(`^${zone}: boot.kernel: ${kernel}: it is an arm64 Linux Image, but zone.arch is riscv64: set arch = "aarch64" in \\[zone\\]`));
});
