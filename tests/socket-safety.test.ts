// The API socket cannot be impersonated: the default non-root socket lives in a directory only
// its user owns (mode 0700), the daemon refuses a directory someone else owns or can enter, and
// the client checks who owns the socket (and its directories) before it sends anything.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "./helpers/daemon.js";
import { defaultSocketPath } from "../src/daemon/daemon.js";
import { needsRoot, runAs, sharedTmp, spawnAs, testUser, userEnv, isRoot, type TestUser } from "./helpers/users.js";

const dirs: string[] = [];
const tmp = (p: string) => {
  const d = sharedTmp(p);
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const victim = (): TestUser => testUser("tsvisor-test-user");
const attacker = (): TestUser => testUser("tsvisor-test-other");

// A fake daemon run by the attacker: listens on each path given (creating the directories),
// reports every byte it receives, and answers any request with a plausible "started".
const FAKE = `
const net = require("node:net"), fs = require("node:fs"), path = require("node:path");
const body = JSON.stringify({ id: 1, name: "victim", kind: "user", vcpus: [], memory: 0, memoryLocked: false });
let ready = 0;
for (const p of process.argv.slice(1)) {
  fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
  const srv = net.createServer((s) => {
    s.on("data", (d) => {
      process.stdout.write("GOT " + d.length + " bytes on " + p + "\\n");
      s.end("HTTP/1.1 201 Created\\r\\ncontent-type: application/json\\r\\ncontent-length: " + body.length + "\\r\\n\\r\\n" + body);
    });
  });
  srv.listen(p, () => {
    fs.chmodSync(p, 0o777);
    if (++ready === process.argv.length - 1) process.stdout.write("READY\\n");
  });
}`;

async function fake(u: TestUser, paths: string[]): Promise<{ got: () => string; stop: () => void }> {
  const p = spawnAs(u, ["-e", FAKE, ...paths], userEnv("/tmp"));
  let out = "";
  let err = "";
  p.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  p.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    p.stdout!.on("data", () => out.includes("READY") && resolve());
    p.once("exit", (code) => reject(new Error(`fake daemon exited (${code}): ${err}`)));
  });
  return { got: () => out.replace("READY\n", ""), stop: () => p.kill() };
}

const oneLine = (s: string) => assert.equal(s.trimEnd().split("\n").length, 1, `expected one line, got:\n${s}`);

test("another user's fake socket at the default path gets nothing from a non-root client", needsRoot, async () => {
  const v = victim();
  const a = attacker();
  const t = tmp("tsvisor-sock-");
  // the attacker plants fakes where a default socket would be: the old /tmp path and the new
  // per-user directory, which the attacker creates first
  const f = await fake(a, [join(t, "tsvisor.sock"), join(t, `tsvisor-${v.uid}`, "tsvisor.sock")]);
  try {
    const zdir = join(t, "zones");
    mkdirSync(zdir, { mode: 0o755 });
    const zone = join(zdir, "z.toml");
    writeFileSync(zone, '[zone]\nname = "secret"\n[boot]\nkernel = "/secret/Image"\ncmdline = "password=hunter2"\n');
    const r = runAs(v, [CLI, "zone", "start", zone], userEnv(t));
    assert.equal(r.status, 1, r.stderr);
    oneLine(r.stderr);
    assert.match(r.stderr, new RegExp(`^tsvisor: ${t}/tsvisor-${v.uid}: owned by tsvisor-test-other \\(uid ${a.uid}\\), ` +
      `not by you \\(uid ${v.uid}\\) or root: another user could have put a fake daemon there, so nothing was sent`));
    const l = runAs(v, [CLI, "zone", "list"], userEnv(t));
    assert.equal(l.status, 1, l.stderr);
    // in a sticky directory anyone may use (like /tmp), the socket's own owner decides
    const planted = runAs(v, [CLI, "zone", "start", zone, "--socket", join(t, "tsvisor.sock")], userEnv(t));
    assert.equal(planted.status, 1, planted.stderr);
    oneLine(planted.stderr);
    assert.match(planted.stderr, new RegExp(`^tsvisor: ${t}/tsvisor\\.sock: owned by tsvisor-test-other \\(uid ${a.uid}\\)`));
    assert.equal(f.got(), "", "the fake daemon received data");
  } finally {
    f.stop();
  }
});

test("a root client refuses a socket a non-root user owns", needsRoot, async () => {
  const a = attacker();
  const t = tmp("tsvisor-sock-");
  const path = join(t, "theirs", "tsvisor.sock");
  const f = await fake(a, [path]);
  try {
    const r = runAs({ name: "root", uid: 0, gid: 0 }, [CLI, "zone", "list", "--socket", path], userEnv(t));
    assert.equal(r.status, 1, r.stderr);
    oneLine(r.stderr);
    assert.match(r.stderr, new RegExp(`^tsvisor: ${t}/theirs: owned by tsvisor-test-other \\(uid ${a.uid}\\), not by root: `));
    assert.equal(f.got(), "");
  } finally {
    f.stop();
  }
});

test("a non-root daemon makes its own 0700 directory for the default socket, and its user reaches it", needsRoot, async () => {
  const v = victim();
  const t = tmp("tsvisor-sock-");
  const d = spawnAs(v, [CLI, "daemon"], userEnv(t));
  let out = "";
  let err = "";
  d.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  d.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => d.once("exit", resolve));
  try {
    await Promise.race([new Promise<void>((resolve) => d.stdout!.on("data", () => out.includes("listening on") && resolve())),
      exited.then((c) => assert.fail(`daemon exited (${c}): ${err}`))]);
    const dir = join(t, `tsvisor-${v.uid}`);
    assert.match(out, new RegExp(`listening on ${dir}/tsvisor\\.sock `));
    const st = lstatSync(dir);
    assert.equal(st.uid, v.uid);
    assert.equal(st.mode & 0o777, 0o700);
    const l = runAs(v, [CLI, "zone", "list"], userEnv(t));
    assert.equal(l.status, 0, l.stderr);
    assert.match(l.stdout, /^ID\s+NAME/);
  } finally {
    d.kill("SIGTERM");
    await exited;
  }
});

test("the daemon refuses a socket directory another user made, or one with group/other access", needsRoot, () => {
  const v = victim();
  const a = attacker();
  const t = tmp("tsvisor-sock-");
  const dir = join(t, `tsvisor-${v.uid}`);
  assert.equal(runAs(a, ["-e", `require("fs").mkdirSync(${JSON.stringify(dir)}, { mode: 0o700 })`], userEnv(t)).status, 0);
  const r = runAs(v, [CLI, "daemon"], userEnv(t), 20000);
  assert.equal(r.status, 1, r.stderr);
  oneLine(r.stderr);
  assert.match(r.stderr, new RegExp(`^tsvisor: ${dir}: .*owned by tsvisor-test-other \\(uid ${a.uid}\\)`));
  // the user's own directory, but others may enter it
  const t2 = tmp("tsvisor-sock-");
  const dir2 = join(t2, `tsvisor-${v.uid}`);
  assert.equal(runAs(v, ["-e", `require("fs").mkdirSync(${JSON.stringify(dir2)}); require("fs").chmodSync(${JSON.stringify(dir2)}, 0o755)`], userEnv(t2)).status, 0);
  const r2 = runAs(v, [CLI, "daemon"], userEnv(t2), 20000);
  assert.equal(r2.status, 1, r2.stderr);
  oneLine(r2.stderr);
  assert.match(r2.stderr, new RegExp(`^tsvisor: ${dir2}: mode 0755 lets other users in`));
  assert.deepEqual(readdirSync(dir2), []);
});

test("a socket path longer than a Unix socket address can hold is refused up front, leaving nothing behind", () => {
  const t = tmp("tsvisor-sock-");
  const long = join(t, `${"x".repeat(120)}.sock`);
  const env = isRoot ? userEnv(t) : { ...process.env };
  for (const args of [["daemon", "--socket", long], ["zone", "list", "--socket", long]]) {
    const r = runAs({ name: "me", uid: process.getuid!(), gid: process.getgid!() }, [CLI, ...args], env, 20000);
    assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
    oneLine(r.stderr);
    assert.match(r.stderr, new RegExp(`^tsvisor: socket path ${long} is ${Buffer.byteLength(long)} bytes: a Unix socket path has at most 107`));
  }
  assert.deepEqual(readdirSync(t), []);
  assert.equal(existsSync(long), false);
});

test("default socket: TSVISOR_SOCKET, else /run/tsvisor for root, else a directory of the user's own", () => {
  assert.equal(defaultSocketPath(0, {}), "/run/tsvisor/tsvisor.sock");
  assert.equal(defaultSocketPath(1000, { XDG_RUNTIME_DIR: "/run/user/1000" }), "/run/user/1000/tsvisor/tsvisor.sock");
  assert.equal(defaultSocketPath(1000, {}), "/tmp/tsvisor-1000/tsvisor.sock");
  assert.equal(defaultSocketPath(1000, { TMPDIR: "/var/tmp" }), "/var/tmp/tsvisor-1000/tsvisor.sock");
  assert.equal(defaultSocketPath(1000, { TSVISOR_SOCKET: "/srv/t.sock", XDG_RUNTIME_DIR: "/run/user/1000" }), "/srv/t.sock");
});
