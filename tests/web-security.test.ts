// The web console's guards (docs/security.md): the token on every request, Host and Origin,
// no state change on GET, body limits, files only inside --http-root-dir, one console input
// holder, and the refusals of `--http` itself. One daemon, one small zone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtempSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { WebSocket } from "ws";
import { allowedCpus } from "../src/host/affinity.js";
import { CLI } from "./helpers/daemon.js";
import { startWebDaemon, writeZone, zoneToml, type WebDaemon } from "./helpers/web.js";
import type { ZoneInfo, ZoneList } from "../src/daemon/api-types.js";

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-web-sec-"));
const cpu = allowedCpus()[0];
let w: WebDaemon;
let port: number;
let host: string;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(method: string, path: string, o: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { host, ...o.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

const bearer = () => ({ authorization: `Bearer ${w.token}` });
const json = (o: unknown) => ({ headers: { ...bearer(), "content-type": "application/json", origin: `http://${host}` }, body: JSON.stringify(o) });
const zones = async () => (JSON.parse((await http("GET", "/api/zones", { headers: bearer() })).body) as ZoneList).zones;

async function session(): Promise<string> {
  const r = await http("POST", "/api/login", { headers: { "content-type": "application/json", origin: `http://${host}` }, body: JSON.stringify({ token: w.token }) });
  assert.equal(r.status, 200, r.body);
  const cookie = String(r.headers["set-cookie"]);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  return cookie.split(";")[0];
}

before(async () => {
  w = await startWebDaemon(tmp);
  const u = new URL(w.url);
  port = Number(u.port);
  host = u.host;
  const r = w.d.cli("zone", "start", writeZone(tmp, "alpha", cpu));
  assert.equal(r.code, 0, r.err);
});
after(async () => {
  await w.d.stop();
  assert.equal(existsSync(w.tokenFile), false, "the token file goes with the daemon");
  rmSync(tmp, { recursive: true, force: true });
});

test("the token file is the owner's only and holds the printed token", () => {
  assert.equal(statSync(w.tokenFile).mode & 0o777, 0o600);
  assert.equal(w.tokenFile, `${join(tmp, "d.sock")}.web-token`);
});

test("without the token: 401 on data, pages and live streams, with nothing about the zones", async () => {
  for (const path of ["/api/zones", "/api/zones/alpha", "/api/events", "/api/live", "/app.js", "/vendor/xterm.mjs"]) {
    for (const headers of [{}, { authorization: "Bearer wrong" }, { cookie: "tsvisor_session=forged" }] as Record<string, string>[]) {
      const r = await http("GET", path, { headers });
      assert.equal(r.status, 401, `${path} ${JSON.stringify(headers)}`);
      assert.doesNotMatch(r.body, /alpha|riscv64|zone0/);
    }
  }
  // The login shell is public: it carries no data.
  assert.equal((await http("GET", "/")).status, 200);
  assert.equal((await http("GET", "/api/zones", { headers: bearer() })).status, 200);
});

test("login: a wrong token is refused; the one-time code works once; the session cookie opens the API", async () => {
  const post = (body: unknown) => http("POST", "/api/login", { headers: { "content-type": "application/json", origin: `http://${host}` }, body: JSON.stringify(body) });
  assert.equal((await post({ token: "nope" })).status, 401);
  const code = new URL(w.loginUrl).hash.replace("#login=", "");
  const first = await post({ code });
  assert.equal(first.status, 200);
  assert.equal((await post({ code })).status, 401, "a used login link does not work again");
  const cookie = String(first.headers["set-cookie"]).split(";")[0];
  assert.equal((await http("GET", "/api/zones", { headers: { cookie } })).status, 200);
});

test("a Host that is not this server (DNS rebinding) is refused", async () => {
  const r = await new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/api/zones", headers: { host: `evil.example:${port}`, ...bearer() } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
  assert.equal(r, 421);
});

test("a state change from another origin, or a browser session without one, is refused (403)", async () => {
  const cookie = await session();
  for (const origin of ["http://evil.example", `http://${host}.evil.example`, undefined]) {
    const headers: Record<string, string> = { cookie, ...(origin ? { origin } : {}) };
    const r = await http("POST", "/api/zones/alpha/shutdown", { headers });
    assert.equal(r.status, 403, `origin ${origin}: ${r.body}`);
  }
  assert.equal((await zones()).find((z) => z.name === "alpha")?.state, "running");
});

test("GET never changes anything: action routes answer 405 and the zone runs on", async () => {
  for (const action of ["shutdown", "reboot"]) {
    const r = await http("GET", `/api/zones/alpha/${action}`, { headers: bearer() });
    assert.equal(r.status, 405);
    assert.match(r.body, /use POST/);
  }
  assert.equal((await http("GET", "/api/check", { headers: bearer() })).status, 405);
  const alpha = (await zones()).find((z) => z.name === "alpha")!;
  assert.equal(alpha.state, "running");
  assert.equal(alpha.reboots, 0);
});

test("an oversized body is refused with 413, and nothing starts", async () => {
  const big = Buffer.alloc(3 * 1024 * 1024, "a");
  const r = await http("POST", "/api/zones", { headers: { ...bearer(), "content-type": "application/json", origin: `http://${host}` }, body: big });
  assert.equal(r.status, 413);
  assert.deepEqual((await zones()).map((z) => z.name), ["alpha"]);
});

test("a config naming a file outside --http-root-dir is refused by field, before anything opens it", async () => {
  const toml = zoneToml("sneaky", cpu).replace(/kernel = "[^"]*"/, 'kernel = "/etc/shadow"');
  const r = await http("POST", "/api/zones", json({ name: "sneaky.toml", toml }));
  assert.equal(r.status, 422);
  const body = JSON.parse(r.body) as { problems: { field?: string; message: string }[] };
  const k = body.problems.find((p) => p.field === "boot.kernel");
  assert.ok(k, r.body);
  assert.match(k.message, /outside .*--http-root-dir/);
  assert.deepEqual((await zones()).map((z) => z.name), ["alpha"]);
});

function openConsole(headers: Record<string, string>): Promise<{ ws: WebSocket; msgs: Record<string, unknown>[] } | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${host}/api/zones/alpha/console`, { headers });
    const msgs: Record<string, unknown>[] = [];
    ws.on("message", (d, binary) => {
      if (!binary) msgs.push(JSON.parse(d.toString()) as Record<string, unknown>);
    });
    ws.on("open", () => resolve({ ws, msgs }));
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
  });
}

async function until<T>(f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("console WebSocket: token and Origin checked; one input holder among viewers", { timeout: 60_000 }, async () => {
  assert.equal(await openConsole({ origin: `http://${host}` }), 401);
  const cookie = await session();
  assert.equal(await openConsole({ cookie, origin: "http://evil.example" }), 403);
  const a = await openConsole({ cookie, origin: `http://${host}` });
  const b = await openConsole({ cookie, origin: `http://${host}` });
  assert.ok(typeof a === "object" && typeof b === "object");
  a.ws.send(JSON.stringify({ type: "take" }));
  await until(() => b.msgs.find((m) => m.type === "holder" && typeof m.holder === "string" && m.viewers === 2));
  b.ws.send(JSON.stringify({ type: "take" })); // held by a: refused without force
  await until(() => b.msgs.find((m) => m.type === "notice"));
  const holder = a.msgs.filter((m) => m.type === "holder").at(-1)!;
  assert.equal(holder.you, true);
  a.ws.close();
  await until(() => b.msgs.find((m) => m.type === "holder" && m.holder === null && m.viewers === 1));
  b.ws.close();
  // Both viewers are gone from the zone's watchers (nothing left behind by closed pages).
  await until(async () => ((await zones()).find((z) => z.name === "alpha")!.console.attached === 0 ? true : undefined));
});

test("console control frames that are not the protocol get a notice, never an internal error", { timeout: 60_000 }, async () => {
  const cookie = await session();
  const a = await openConsole({ cookie, origin: `http://${host}` });
  assert.ok(typeof a === "object");
  const frames = ["null", "1", "[]", '"take"', '{"type":"bogus"}', "{"];
  for (const f of frames) a.ws.send(f);
  await until(() => (a.msgs.filter((m) => m.type === "notice").length === frames.length ? true : undefined));
  a.ws.close();
  assert.doesNotMatch(w.d.log.join(""), /internal error/);
  assert.equal((await zones())[0].state, "running");
});

test("console: repeated take and release frames that change nothing are not told to the other viewers", { timeout: 60_000 }, async () => {
  const cookie = await session();
  const a = await openConsole({ cookie, origin: `http://${host}` });
  const b = await openConsole({ cookie, origin: `http://${host}` });
  assert.ok(typeof a === "object" && typeof b === "object");
  a.ws.send(JSON.stringify({ type: "take" }));
  await until(() => b.msgs.find((m) => m.type === "holder" && typeof m.holder === "string"));
  const told = () => b.msgs.filter((m) => m.type === "holder").length;
  const before = told();
  for (let i = 0; i < 500; i++) {
    a.ws.send(JSON.stringify({ type: "take" })); // already a's
    b.ws.send(JSON.stringify({ type: "release" })); // not b's to release
  }
  a.ws.send(JSON.stringify({ type: "release" })); // the one change
  const mark = b.msgs.length;
  await until(() => b.msgs.slice(mark).find((m) => m.type === "holder" && m.holder === null));
  assert.equal(told() - before, 1, "only the release was told (a's takes were sent before it, on the same connection)");
  a.ws.close();
  b.ws.close();
});

test("an upload named . or .. is taken as pasted.toml inside --http-root-dir, not as the root or its parent", async () => {
  for (const name of ["..", ".", "..."]) {
    const toml = zoneToml("dots", cpu).replace(/kernel = "[^"]*"/, 'kernel = "Image"');
    const r = await http("POST", "/api/check", json({ name, toml }));
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body) as { file: string; problems: { field?: string; message: string }[] };
    assert.match(body.file, /\/pasted\.toml$/, name);
    assert.equal(body.problems.find((p) => p.field === "boot.kernel"), undefined, r.body);
  }
});

test("--http refuses a non-loopback address without TLS, and the web options without --http", () => {
  const sys = join(tmp, "system.toml");
  const run = (...args: string[]) => spawnSync("node", [CLI, "daemon", "--socket", join(tmp, "x.sock"), "--system", sys, ...args], { encoding: "utf8", timeout: 30000 });
  const open = run("--http", "0.0.0.0:8080");
  assert.notEqual(open.status, 0);
  assert.match(open.stderr, /^tsvisor: --http 0\.0\.0\.0:8080: 0\.0\.0\.0 is not a loopback address: .*--http-tls-cert FILE --http-tls-key FILE/);
  assert.equal(open.stderr.trim().split("\n").length, 1);
  const stray = run("--http-root-dir", tmp);
  assert.match(stray.stderr, /--http-root-dir belongs to the web console: add --http/);
  const half = run("--http", "127.0.0.1:0", "--http-tls-cert", sys);
  assert.match(half.stderr, /--http-tls-cert and --http-tls-key go together/);
  assert.equal(existsSync(join(tmp, "x.sock")), false);
});

test("zone info over the web is the same record as over the socket", async () => {
  const viaWeb = JSON.parse((await http("GET", "/api/zones/alpha", { headers: bearer() })).body) as { info: ZoneInfo; history: { state: string }[] };
  const viaCli = JSON.parse(w.d.cli("zone", "info", "alpha", "--json").out) as ZoneInfo;
  assert.equal(viaWeb.info.id, viaCli.id);
  assert.deepEqual(viaWeb.info.vcpus.map((v) => v.hostCpu), viaCli.vcpus.map((v) => v.hostCpu));
  assert.deepEqual(viaWeb.history.map((e) => e.state), ["starting", "running"]);
});
