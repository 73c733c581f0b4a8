// The daemon's HTTP API on its Unix socket: junk in any form gets a precise 4xx and leaves the
// running zones alone; the socket is private and cannot be taken over.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startDaemon, type Daemon } from "../src/daemon/daemon.js";
import type { ZoneInfo, ZoneList } from "../src/daemon/api-types.js";
import { buildAsm } from "./helpers/guest.js";

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-api-"));
const socket = join(tmp, "api.sock");
const idle = buildAsm(["zone-idle.S"]);
const zoneToml = (name: string) => `[zone]\nname = "${name}"\nmemory = "64M"\n[boot]\nkernel = "${idle}"\n`;
const logs: string[] = [];
let d: Daemon;

interface Reply { status: number; json: { error?: string; problems?: string[] } & Record<string, unknown>; text: string }

function call(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        let json = {};
        try {
          json = JSON.parse(text);
        } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
const post = (path: string, obj: unknown) => call("POST", path, JSON.stringify(obj), { "content-type": "application/json" });

/** Raw bytes to the socket; returns everything the daemon answers before closing. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let out = "";
    s.on("data", (c) => (out += c.toString()));
    s.on("close", () => resolve(out));
    s.on("error", () => resolve(out));
    s.end(bytes);
  });
}

before(async () => {
  d = await startDaemon({ socket, system: { file: "(test)", zone0Cpus: [], poolBytes: 512 * 1024 * 1024 }, log: (m) => logs.push(m) });
  const r = await post("/v1/zones", { file: join(tmp, "keeper.toml"), toml: zoneToml("keeper") });
  assert.equal(r.status, 201, r.text);
});
after(async () => {
  await d.close();
  assert.equal(existsSync(socket), false, "socket removed on close");
  rmSync(tmp, { recursive: true, force: true });
});

test("the socket is mode 0600 and lists zone0 and the zones", async () => {
  assert.equal(statSync(socket).mode & 0o777, 0o600);
  const r = await call("GET", "/v1/zones");
  assert.equal(r.status, 200);
  const l = r.json as unknown as ZoneList;
  assert.equal(l.zone0.pid, process.pid);
  assert.equal(l.zone0.pool.total, 512 * 1024 * 1024);
  assert.deepEqual(l.zones.map((z) => [z.id, z.name, z.state]), [[1, "keeper", "running"]]);
});

test("junk requests get precise 4xx errors", async () => {
  const cases: [Promise<Reply>, number, RegExp][] = [
    [call("POST", "/v1/zones", "{not json", { "content-type": "application/json" }), 400, /^request body is not JSON: /],
    [post("/v1/zones", { file: 3 }), 400, /^bad request body: body\.file: Expected string, received number$/],
    [post("/v1/zones", { file: "x.toml", toml: "", extra: 1 }), 400, /body: Unrecognized key\(s\) in object: 'extra'/],
    [post("/v1/zones", [1, 2]), 400, /^bad request body: body: Expected object, received array$/],
    [call("POST", "/v1/zones", "file=x", { "content-type": "application/x-www-form-urlencoded" }), 415, /^content-type must be application\/json/],
    [call("POST", "/v1/zones", Buffer.alloc(3 * 1024 * 1024, 0x20), { "content-type": "application/json" }), 413, /^request body too large/],
    [call("GET", "/nope"), 404, /^no such endpoint: GET \/nope/],
    [call("DELETE", "/v1/zones"), 405, /^DELETE is not allowed on \/v1\/zones: use POST$/],
    [call("GET", "/v1/zones/keeper/shutdown"), 405, /use POST/],
    [call("GET", "/v1/zones/ghost"), 404, /^no zone "ghost" \(by id or name\)/],
    [call("POST", "/v1/zones/%E0%A4%A/reboot"), 400, /^bad zone reference in the path/],
    [post("/v1/zones", { file: "/etc/zone.toml", toml: "[zone]\nname = 'x'\nbogus = 1\n" }), 422, /^\/etc\/zone\.toml: zone\.bogus: unknown field "bogus" in \[zone\]: remove it/],
    [post("/v1/zones", { file: join(tmp, "nofile.toml") }), 422, /nofile\.toml: the daemon cannot read this zone file/],
  ];
  for (const [p, status, msg] of cases) {
    const r = await p;
    assert.equal(r.status, status, r.text);
    assert.match(r.json.error ?? "", msg);
  }
  assert.match(await raw("HELLO\r\n\r\n"), /^HTTP\/1\.1 400 Bad Request/);
  assert.match(await raw("\x00\x01\x02garbage"), /^HTTP\/1\.1 400 Bad Request/);
  assert.match(await raw("GET /v1/zones/keeper/console HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
    /^HTTP\/1\.1 400 .*only GET \/v1\/zones\/\{zone\}\/console upgrades/s);
  // config problems come as a list too
  const bad = await post("/v1/zones", { file: "/z.toml", toml: '[zone]\nname = "a"\nmemory = "lots"\nhost_cpus = [0, 0]\n[boot]\nkernel = "/k"\n' });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.problems, [
    '/z.toml: zone.memory: "lots" is not a size: write a number and a unit K, M, G or T, as QEMU does: 512M, 1G, 1.5G (a bare number is MiB)',
    "/z.toml: zone.host_cpus: host CPU 0 is listed twice: each vCPU needs a CPU of its own",
  ]);
  // the running zone did not notice any of it
  const k = await call("GET", "/v1/zones/keeper");
  assert.equal((k.json as unknown as ZoneInfo).state, "running");
});

test("duplicate names and CPUs already taken are conflicts that start nothing", async () => {
  const dup = await post("/v1/zones", { file: join(tmp, "dup.toml"), toml: zoneToml("keeper") });
  assert.equal(dup.status, 409);
  assert.match(dup.json.error ?? "", /dup\.toml: zone\.name: zone "keeper" \(id 1, .*keeper\.toml\) is running: choose another name/);
  const cpu = (await call("GET", "/v1/zones/keeper")).json as unknown as ZoneInfo;
  const taken = await post("/v1/zones", { file: join(tmp, "t.toml"),
    toml: zoneToml("thief").replace("[boot]", `host_cpus = [${cpu.vcpus[0].hostCpu}]\n[boot]`) });
  assert.equal(taken.status, 409);
  assert.match(taken.json.error ?? "", new RegExp(`zone "thief" and zone "keeper" both want host CPU ${cpu.vcpus[0].hostCpu}`));
  const l = (await call("GET", "/v1/zones")).json as unknown as ZoneList;
  assert.equal(l.zones.length, 1);
  assert.equal(l.zone0.pool.used, cpu.poolBytes);
});

test("console: the upgraded stream replays the buffer; the plain GET streams it read-only", async () => {
  const up = await raw("GET /v1/zones/keeper/console HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tsvisor-console\r\n\r\n")
    .catch(() => "");
  // raw() half-closes: the daemon answers 101 and the replay, then sees the client gone
  assert.match(up, /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*IDLE-READY/);
  const got = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: socket, path: "/v1/zones/1/console" }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c.toString();
        if (text.includes("IDLE-READY")) req.destroy();
      });
      res.on("close", () => resolve(text));
    });
    req.on("error", reject);
    req.end();
  });
  assert.match(got, /IDLE-READY/);
  await sleep(50);
  assert.equal(((await call("GET", "/v1/zones/keeper")).json as unknown as ZoneInfo).console.attached, 0);
});

test("a socket that already exists: a live daemon is not taken over, a file is not replaced, a stale socket is", async () => {
  const sys = { file: "(test)", zone0Cpus: [], poolBytes: 64 * 1024 * 1024 };
  await assert.rejects(startDaemon({ socket, system: sys, log: () => {} }),
    /api\.sock: another tsvisor daemon is already listening there: stop it first, or use another --socket/);
  const file = join(tmp, "file.sock");
  writeFileSync(file, "");
  await assert.rejects(startDaemon({ socket: file, system: sys, log: () => {} }), /file\.sock exists and is not a socket: remove it/);
  // a socket left by a process that died
  const stale = join(tmp, "stale.sock");
  const child = spawn(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(stale)}, () => console.log("up"))`]);
  await new Promise((r) => child.stdout.once("data", r));
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  assert.ok(statSync(stale).isSocket());
  const got: string[] = [];
  const d2 = await startDaemon({ socket: stale, system: sys, log: (m) => got.push(m) });
  assert.match(got.join("\n"), /removed stale socket .*stale\.sock/);
  await d2.close();
  // the first daemon still serves
  assert.equal((await call("GET", "/v1/zones")).status, 200);
});

test("a pool larger than the host's available memory stops the daemon from starting", async () => {
  await assert.rejects(startDaemon({ socket: join(tmp, "big.sock"), system: { file: "sys.toml", zone0Cpus: [], poolBytes: 2 ** 50 }, log: () => {} }),
    /^Error: sys\.toml: pool\.memory: 1048576 GiB is more than this host has available \(.* GiB\): lower it$|sys\.toml: pool\.memory: 1048576 GiB is more than this host has available/);
});

test("shutdown over the API ends the zone and frees the pool", async () => {
  const r = await call("POST", "/v1/zones/keeper/shutdown");
  assert.equal(r.status, 200, r.text);
  assert.equal((r.json as unknown as ZoneInfo).state, "off");
  const l = (await call("GET", "/v1/zones")).json as unknown as ZoneList;
  assert.equal(l.zones.length, 0);
  assert.equal(l.zone0.pool.used, 0);
});

test("docs/openapi.json describes exactly the routes the daemon serves", async () => {
  const spec = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8")) as
    { paths: Record<string, Record<string, unknown>> };
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of ["get", "post", "put", "delete"]) {
      const body = m === "post" && path === "/v1/zones" ? "{}" : undefined;
      const r = await call(m.toUpperCase(), path.replace("{zone}", "ghost"), body, body ? { "content-type": "application/json" } : {});
      const served = r.status !== 405 && !/^no such endpoint/.test(r.json.error ?? "");
      assert.equal(served, m in item, `${m.toUpperCase()} ${path}: ${r.status} ${r.text}`);
    }
  }
});
