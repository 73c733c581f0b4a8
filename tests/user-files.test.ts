// Files a user names are checked before they are read: a FIFO, a device or a huge file given as a
// zone file, a kernel or an import input is refused at once with one line, and the daemon keeps
// answering meanwhile. The daemon and CLI run with a data limit here, so code that reads
// /dev/zero without bound fails the test quickly instead of taking the machine's memory.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, constants } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "./helpers/daemon.js";
import { EXIT } from "../src/cli/exit-codes.js";
import { buildAsm } from "./helpers/guest.js";
import { readUserFile, readUserFileSync, userFileHead, UserFileError, type UserFileLimit } from "../src/host/user-file.js";
import { Zone } from "../src/zone/zone.js";
import { BootError } from "../src/engine/boot-error.js";

const M = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), "tsvisor-ufiles-"));
const socket = join(tmp, "d.sock");
const fifo = join(tmp, "fifo");
execFileSync("mkfifo", [fifo]);
const idle = buildAsm(["zone-idle.S"]);
// A kernel with a valid Image header, made larger than the zone's memory (sparse: costs no disk).
const bigKernel = join(tmp, "big.Image");
writeFileSync(bigKernel, readFileSync(idle));
truncateSync(bigKernel, 100 * M);
const bigToml = join(tmp, "big.toml");
writeFileSync(bigToml, "# padding\n");
truncateSync(bigToml, 3 * M);

// 1 GiB of private data at most: enough for the daemon, far less than reading /dev/zero needs.
const LIMIT = ["prlimit", `--data=${1024 * M}`, "--"];
const limited = existsSync("/usr/bin/prlimit") ? LIMIT : [];
let daemon: ChildProcessWithoutNullStreams;
let daemonErr = "";

before(async () => {
  const [cmd, ...args] = [...limited, "node", CLI, "daemon", "--socket", socket];
  daemon = spawn(cmd, args);
  daemon.stderr.on("data", (c: Buffer) => (daemonErr += c.toString()));
  let out = "";
  await new Promise<void>((resolve, reject) => {
    daemon.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("listening on")) resolve();
    });
    daemon.once("exit", (code) => reject(new Error(`daemon exited (${code}): ${daemonErr}`)));
  });
});
after(() => {
  daemon.kill("SIGTERM");
  // a daemon blocked opening the FIFO for reading (the bug) is released by a writer
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch { /* nobody reading it: fine */ }
  rmSync(tmp, { recursive: true, force: true });
});

interface Reply { status: number; json: { error?: string; problems?: string[] } }

function call(method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: socket, method, path, timeout: 30000,
      headers: data ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || "{}") }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within 30 s (daemon blocked?)`)));
    req.on("error", (e) => reject(new Error(`${e.message}; daemon log: ${daemonErr}`)));
    req.end(data);
  });
}

test("API: a zone file that is a character device or too large is refused with 422 and the reason", async () => {
  const zero = await call("POST", "/v1/zones", { file: "/dev/zero" });
  assert.equal(zero.status, 422);
  assert.equal(zero.json.error, '/dev/zero: the daemon cannot read this zone file: it is a character device, not a regular file; send its text as "toml"');
  const big = await call("POST", "/v1/zones", { file: bigToml });
  assert.equal(big.status, 422);
  assert.match(big.json.error ?? "", /big\.toml: the daemon cannot read this zone file: it is 3M, more than the 1M a config file may have/);
});

test("API: a FIFO as zone file is refused at once; the daemon answers other requests meanwhile", async () => {
  const [fifoReply, list] = await Promise.all([call("POST", "/v1/zones", { file: fifo }), call("GET", "/v1/zones")]);
  assert.equal(list.status, 200);
  assert.equal(fifoReply.status, 422);
  assert.match(fifoReply.json.error ?? "", /fifo: the daemon cannot read this zone file: it is a FIFO \(named pipe\), not a regular file/);
});

test("API: a kernel larger than the zone's memory is refused before it is read", async () => {
  const r = await call("POST", "/v1/zones", { file: join(tmp, "k.toml"),
    toml: `[zone]\nname = "k"\nmemory = "64M"\n[boot]\nkernel = "${bigKernel}"\n` });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.problems, [`${tmp}/k.toml: boot.kernel: cannot read kernel ${bigKernel}: it is 100M, more than the zone's 64M of memory: ` +
    "use a smaller kernel or give the zone more memory"]);
});

function cli(args: string[]) {
  const [cmd, ...rest] = [...limited, "node", CLI, ...args];
  const r = spawnSync(cmd, rest, { encoding: "utf8", timeout: 30000, input: "" });
  return { code: r.status, err: r.stderr };
}
const oneLine = (s: string) => assert.equal(s.trimEnd().split("\n").length, 1, `expected one line, got:\n${s}`);

test("CLI: FIFOs and devices as kernel, zone file or import input are one line: exit 4 (images) or 3 (configs)", () => {
  const cases: [string[], RegExp, number][] = [
    [["run", "--kernel", fifo, "--mem", "64M"], /^tsvisor: zone zone: cannot read kernel .*fifo: it is a FIFO \(named pipe\), not a regular file/, EXIT.START],
    [["run", "--kernel", "/dev/zero", "--mem", "64M"], /^tsvisor: zone zone: cannot read kernel \/dev\/zero: it is a character device, not a regular file/, EXIT.START],
    [["run", "--kernel", idle, "--initrd", fifo, "--mem", "64M"], /cannot read initrd .*fifo: it is a FIFO/, EXIT.START],
    [["run", "/dev/zero"], /^tsvisor: \/dev\/zero: cannot read zone config: it is a character device, not a regular file/, EXIT.CONFIG],
    [["run", fifo], /fifo: cannot read zone config: it is a FIFO/, EXIT.CONFIG],
    [["import", "hvisor", fifo], /^tsvisor import: .*fifo: cannot read the hvisor zone config: it is a FIFO/, EXIT.CONFIG],
    [["import", "axvisor", "/dev/zero"], /^tsvisor import: \/dev\/zero: cannot read the AxVisor VM config: it is a character device/, EXIT.CONFIG],
    [["zone", "start", fifo, "--socket", socket], /fifo: cannot read zone config: it is a FIFO/, EXIT.CONFIG],
    [["daemon", "--system", fifo, "--socket", join(tmp, "x.sock")], /fifo: cannot read system config: it is a FIFO/, EXIT.CONFIG],
  ];
  for (const [args, msg, code] of cases) {
    const r = cli(args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.err}`);
    oneLine(r.err);
    assert.match(r.err, msg);
  }
});

test("user-file: regular files within the limit are read (sync and async); anything else says what it is", async () => {
  const f = join(tmp, "exact.txt");
  writeFileSync(f, "x".repeat(1000));
  const lim = (maxBytes: number): UserFileLimit => ({ maxBytes, limit: `the ${maxBytes}B allowed` });
  assert.equal(readUserFileSync(f, lim(1000)).toString(), "x".repeat(1000));
  assert.equal((await readUserFile(f, lim(1000))).toString(), "x".repeat(1000));
  assert.deepEqual(userFileHead(f, lim(1000), 64), { head: Buffer.from("x".repeat(64)), size: 1000 });
  const refused: [string, number, RegExp, UserFileError["problem"]][] = [
    [f, 999, /^it is 1000B, more than the 999B allowed$/, "size"],
    [tmp, 1000, /^it is a directory, not a regular file$/, "type"],
    [fifo, 1000, /^it is a FIFO \(named pipe\), not a regular file$/, "type"],
    ["/dev/null", 1000, /^it is a character device, not a regular file$/, "type"],
    [join(tmp, "missing"), 1000, /^file not found$/, "missing"],
    [join(f, "below"), 1000, /^a part of the path is not a directory$/, "missing"],
  ];
  for (const [path, max, reason, problem] of refused) {
    for (const read of [() => readUserFileSync(path, lim(max)), () => readUserFile(path, lim(max))]) {
      await assert.rejects(async () => read(), (e: unknown) => {
        assert.ok(e instanceof UserFileError, String(e));
        assert.match(e.reason, reason);
        assert.equal(e.problem, problem);
        assert.equal(e.message, `${path}: ${e.reason}`);
        return true;
      });
    }
  }
});

test("a zone refuses a FIFO kernel and one larger than its memory before anything runs", async () => {
  // (under the daemon this read happens in the zone's own process, never in the daemon)
  const zone = (kernel: string) => new Zone({ name: "ld", arch: "riscv64", cpus: 1, memBytes: 64 * M, kernel, cmdline: "" });
  assert.throws(() => zone(fifo).start(), (e) => e instanceof BootError && /^zone ld: cannot read kernel .*fifo: it is a FIFO/.test(e.message));
  assert.throws(() => zone(bigKernel).start(), /zone ld: cannot read kernel .*big\.Image: it is 100M, more than the zone's 64M of memory$/);
  const z = zone(idle);
  const ended = z.start();
  z.stop();
  assert.equal((await ended).state, "poweroff");
});
