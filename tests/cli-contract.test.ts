// The CLI contract (docs/cli.md): --version, the exit-status table in --help, and one test per
// exit status a test can provoke (the daemon's: tests/zones.test.ts; internal error and closed
// pipe: tests/cli-errors.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAsm } from "./helpers/guest.js";
import { EXIT, EXIT_TABLE, GUEST_STATUS_MAX, exitCodeOfZone } from "../src/cli/exit-codes.js";

const CLI = fileURLToPath(new URL("../../bin/tsvisor.js", import.meta.url));
const PKG = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version: string };
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-contract-"));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("node", [CLI, ...args], { encoding: "utf8", timeout: 60000, input: "", env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const guest = (mode: number) => buildAsm(["reset.S"], [`-DMODE=${mode}`]);

test("--version and -V print the package's version and exit 0", () => {
  for (const flag of ["--version", "-V"]) {
    const r = cli([flag]);
    assert.equal(r.code, EXIT.OK, r.err);
    assert.match(r.out, new RegExp(`^tsvisor ${PKG.version.replace(/\./g, "\\.")} \\(engine: riscv64 `));
  }
});

test("--help ends with the exit-status table, every status in it", () => {
  const r = cli(["--help"]);
  assert.equal(r.code, EXIT.OK);
  const table = r.out.slice(r.out.indexOf("Exit status"));
  for (const [code] of EXIT_TABLE) assert.match(table, new RegExp(`^  ${code} +\\S`, "m"), code);
  // the documented codes are all different, and none is a signal's (128 + n)
  const singles = Object.values(EXIT);
  assert.equal(new Set(singles).size, singles.length);
  assert.ok(EXIT.GUEST_STATUS_BASE + GUEST_STATUS_MAX < 128);
  const own = Object.entries(EXIT).filter(([k]) => k !== "GUEST_STATUS_BASE").map(([, c]) => c);
  assert.ok(own.every((c) => c <= EXIT.GUEST_STATUS_BASE || c >= 128), "tsvisor's own codes stay out of the guest range");
});

test("usage errors exit 2: unknown option, unknown command, missing argument", () => {
  for (const args of [["--bogus"], ["frobnicate"], ["zone", "info"], ["run", "--mem"]]) {
    const r = cli(args);
    assert.equal(r.code, EXIT.USAGE, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, /^error: /, args.join(" "));
  }
});

test("--socket is one option of the zone group, before or after the subcommand; $TSVISOR_SOCKET is the default", () => {
  const sock = join(tmp, "nobody.sock");
  for (const args of [["zone", "--socket", sock, "list"], ["zone", "list", "--socket", sock], ["zone", "info", "x", "--socket", sock]]) {
    const r = cli(args);
    assert.equal(r.code, EXIT.DAEMON_UNREACHABLE, args.join(" "));
    assert.match(r.err, new RegExp(`cannot reach the tsvisor daemon at ${sock}: no such socket`));
  }
  const env = cli(["zone", "list"], { TSVISOR_SOCKET: sock });
  assert.equal(env.code, EXIT.DAEMON_UNREACHABLE);
  assert.match(env.err, new RegExp(`at ${sock}:`));
  assert.match(cli(["zone", "--help"]).out, /--socket <path> .*\$TSVISOR_SOCKET/s);
  assert.match(cli(["zone", "list", "--help"]).out, /Global Options:\s+--socket <path>/);
});

test("guest endings have their own statuses: clean poweroff 0, SRST failure 8, FAIL with status n is 100 + n, FAIL 0 is 8", () => {
  const cases: [number, number, RegExp][] = [
    [5, EXIT.OK, /^$/], // test finisher PASS
    [4, EXIT.OK, /^$/], // legacy SBI shutdown
    [3, EXIT.GUEST_FAILURE, /the guest reported a system failure \(SBI system reset\)/],
    [6, EXIT.GUEST_STATUS_BASE + 7, /the guest reported failure with exit status 7 \(test finisher\)/],
    [8, EXIT.GUEST_FAILURE, /the guest reported failure \(test finisher\)/],
  ];
  for (const [mode, code, msg] of cases) {
    const r = cli(["run", "--kernel", guest(mode), "--mem", "64M"]);
    assert.equal(r.code, code, `mode ${mode}: ${r.err}`);
    assert.match(r.err, msg, `mode ${mode}`);
  }
});

test("a large guest status shares the top of the guest range", () => {
  assert.equal(exitCodeOfZone({ state: "failed", exitCode: 3 }), 103);
  assert.equal(exitCodeOfZone({ state: "failed", exitCode: 65535 }), EXIT.GUEST_STATUS_BASE + GUEST_STATUS_MAX);
  assert.equal(exitCodeOfZone({ state: "failed" }), EXIT.GUEST_FAILURE);
});

test("a guest that prints Linux's panic lines (SBI console or UART) ends panicked: exit 7 with the panic line", () => {
  for (const flags of [[], ["-DUART"]]) {
    const r = cli(["run", "--kernel", buildAsm(["panic-line.S"], flags), "--mem", "64M"]);
    assert.equal(r.code, EXIT.GUEST_PANIC, `${flags}: ${r.err}`);
    assert.match(r.err, /tsvisor: zone zone: kernel panic: VFS: Unable to mount root fs on unknown-block\(0,0\)\r?\n/);
  }
});

test("a guest that wedges ends the zone in error: exit 6", () => {
  const r = cli(["run", "--kernel", buildAsm(["wedge-fetch.S"]), "--mem", "64M"]);
  assert.equal(r.code, EXIT.GUEST_ERROR, r.err);
});

test("config errors exit 3, start failures 4", () => {
  const bad = join(tmp, "bad.toml");
  writeFileSync(bad, '[zone]\nname = "x"\n');
  assert.equal(cli(["run", bad]).code, EXIT.CONFIG);
  assert.equal(cli(["check", bad]).code, EXIT.CONFIG);
  assert.equal(cli(["run", "--kernel", join(tmp, "missing.Image")]).code, EXIT.START);
});

test("check --json prints the problems (exit 3) or the placed zones (exit 0)", () => {
  const kernel = guest(5);
  const good = join(tmp, "good.toml");
  writeFileSync(good, `[zone]\nname = "g"\nmemory = "64M"\n[boot]\nkernel = "${kernel}"\n`);
  const ok = cli(["check", "--json", good]);
  assert.equal(ok.code, EXIT.OK, ok.err);
  const j = JSON.parse(ok.out) as { ok: boolean; problems: string[]; zones: { name: string; memory: number }[] };
  assert.deepEqual([j.ok, j.problems, j.zones.map((z) => [z.name, z.memory])], [true, [], [["g", 64 * 2 ** 20]]]);
  const bad = join(tmp, "bad-kernel.toml");
  writeFileSync(bad, `[zone]\nname = "b"\n[boot]\nkernel = "${join(tmp, "nope")}"\n`);
  const no = cli(["check", "--json", bad]);
  assert.equal(no.code, EXIT.CONFIG);
  const k = JSON.parse(no.out) as { ok: boolean; problems: string[] };
  assert.equal(k.ok, false);
  assert.match(k.problems.join("\n"), /bad-kernel\.toml: boot\.kernel: cannot read kernel/);
});
