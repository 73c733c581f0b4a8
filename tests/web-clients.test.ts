// Pages that come and go (a tab left open for a day reconnects again and again; a laptop lid
// closes mid-output): many live streams and console WebSockets opened and dropped, abruptly too,
// while a zone floods its console (tests/asm/console-flood.S, SBI DBCN writes). Afterwards the
// daemon keeps nothing for them (GET /api/clients and the zone's console watchers); a viewer that stops reading has its output queue bounded and
// its losses counted, and is told of them when it reads again.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { allowedCpus } from "../src/host/affinity.js";
import { CONSOLE_QUEUE_LIMIT, MAX_CONSOLE_VIEWERS, VIEWER_QUEUE_CEILING, type ConsoleViewerState } from "../src/daemon/http/console-ws.js";
import { MAX_LIVE_CLIENTS } from "../src/daemon/http/live.js";
import { MAX_FRAME } from "../src/zone/zone-link.js";
import { buildAsm } from "./helpers/guest.js";
import { startWebDaemon, type WebDaemon } from "./helpers/web.js";
import type { ZoneList } from "../src/daemon/api-types.js";

const tmp = mkdtempSync(join(tmpdir(), "tsvisor-web-clients-"));
const WAIT = { timeout: 120_000 };
/** Long enough to outlast the test (10 MHz timebase); the zone is shut down at the end. */
const FLOOD_TICKS = 3600 * 10_000_000;
let w: WebDaemon;
let host: string;
let port: number;
/** A viewer that reads everything and holds the console input while pages come and go. */
let reader: WebSocket;

interface Clients {
  connections: number;
  sessions: number;
  liveStreams: { queuedBytes: number; droppedUpdates: number }[];
  consoles: { zones: number; viewers: ConsoleViewerState[] };
}

/** GET on a connection of its own (no keep-alive), so finished requests leave no socket behind. */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, headers: { host, authorization: `Bearer ${w.token}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const clients = async () => JSON.parse((await get("/api/clients")).body) as Clients;
const floodZone = async () => (JSON.parse((await get("/api/zones")).body) as ZoneList).zones.find((z) => z.name === "flood")!;

/** Poll until `f` holds (at most ~20 s), then return the last value for the assertion. */
async function settle<T>(f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let v = await f();
  for (let i = 0; i < 400 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await f();
  }
  return v;
}

/** The daemon's per-client state once only the reader (if open) and this query remain. */
async function assertNothingKept(holderOpen: boolean): Promise<void> {
  const want = (c: Clients) => c.connections === (holderOpen ? 2 : 1) && c.liveStreams.length === 0 &&
    c.consoles.viewers.length === (holderOpen ? 1 : 0) && c.consoles.zones === (holderOpen ? 1 : 0);
  const c = await settle(clients, want);
  assert.ok(want(c), JSON.stringify(c));
  const z = await settle(floodZone, (a) => a.console.attached === (holderOpen ? 1 : 0));
  assert.equal(z.console.attached, holderOpen ? 1 : 0, "the zone's console watchers");
}

function openConsole(): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${host}/api/zones/flood/console`, { headers: { authorization: `Bearer ${w.token}` } });
    ws.on("open", () => resolve(ws));
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => undefined);
  });
}

/** Open /api/live; resolves once the first update arrived (or with the refusal's status). */
function openLive(): Promise<{ req: ClientRequest; res: IncomingMessage } | number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/api/live", agent: false, headers: { host, authorization: `Bearer ${w.token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(res.statusCode ?? 0);
      }
      res.once("data", () => resolve({ req, res }));
    });
    req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

before(async () => {
  w = await startWebDaemon(tmp);
  const u = new URL(w.url);
  host = u.host;
  port = Number(u.port);
  const kernel = buildAsm(["console-flood.S"], ["-DMODE=1", `-DFLOOD_TICKS=${FLOOD_TICKS}`]);
  const file = join(tmp, "flood.toml");
  writeFileSync(file, `[zone]\nname = "flood"\nkind = "user"\nhost_cpus = [${allowedCpus()[0]}]\nshare_cpus = true\n` +
    `memory = "64M"\n[boot]\nkernel = "${kernel}"\n`);
  const r = w.d.cli("zone", "start", file);
  assert.equal(r.code, 0, r.err);
  const ws = await openConsole();
  assert.ok(ws instanceof WebSocket);
  reader = ws;
  reader.send(JSON.stringify({ type: "take" }));
  await new Promise((resolve) => reader.once("message", resolve));
});
after(async () => {
  reader?.terminate();
  await w?.d.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("live streams: opened past the limit (503), dropped abruptly or closed, leave nothing behind", WAIT, async () => {
  for (let round = 0; round < 4; round++) {
    const opened = await Promise.all(Array.from({ length: MAX_LIVE_CLIENTS + 4 }, openLive));
    const streams = opened.filter((o) => typeof o === "object");
    assert.equal(streams.length, MAX_LIVE_CLIENTS, "the first come are followed");
    assert.deepEqual(opened.filter((o) => typeof o === "number"), [503, 503, 503, 503]);
    streams.forEach((s, i) => (i % 2 ? s.res.socket.destroy() : s.req.destroy())); // a vanished page, a closed tab
    await assertNothingKept(true);
  }
});

test("console viewers: opened past the limit (503), dropped mid-output or closed, leave nothing behind", WAIT, async () => {
  for (let round = 0; round < 4; round++) {
    const opened = await Promise.all(Array.from({ length: MAX_CONSOLE_VIEWERS + 2 }, openConsole));
    const viewers = opened.filter((o): o is WebSocket => o instanceof WebSocket);
    assert.equal(viewers.length, MAX_CONSOLE_VIEWERS - 1, "the reader is a viewer too");
    assert.deepEqual(opened.filter((o) => typeof o === "number"), [503, 503, 503]);
    // Output flows to all of them; wait until each has some, then drop them mid-stream.
    await Promise.all(viewers.map((v) => new Promise((r) => v.once("message", r))));
    viewers.forEach((v, i) => (i % 3 === 0 ? v.terminate() : i % 3 === 1 ? v.close() : v.send(JSON.stringify({ type: "take", force: true }))));
    viewers.filter((_, i) => i % 3 === 2).forEach((v) => v.terminate()); // took the input, then vanished
    await assertNothingKept(true);
    // The reader lost the input to the ones that took it; it takes it back for the next round.
    reader.send(JSON.stringify({ type: "take", force: true }));
  }
});

test("a viewer that stops reading: its queue stays bounded, its losses are counted and then told", WAIT, async () => {
  const slow = await openConsole();
  assert.ok(slow instanceof WebSocket);
  const told: { type: string; bytes?: number }[] = [];
  slow.on("message", (d, binary) => {
    if (!binary) told.push(JSON.parse(d.toString()) as { type: string; bytes?: number });
  });
  slow.pause(); // stops reading its socket: the kernel buffers fill, then the daemon's queue
  const mine = (c: Clients) => c.consoles.viewers.find((v) => !v.holdsInput);
  const c = await settle(clients, (x) => (mine(x)?.droppedBytes ?? 0) > 0);
  const v = mine(c);
  assert.ok(v && v.droppedBytes > 0, `no output was dropped for the slow viewer: ${JSON.stringify(c)}`);
  assert.ok(v.queuedBytes <= CONSOLE_QUEUE_LIMIT + MAX_FRAME, `queued ${v.queuedBytes} bytes`);
  slow.resume();
  await settle(async () => told, (t) => t.some((m) => m.type === "dropped"));
  const dropped = told.find((m) => m.type === "dropped");
  assert.ok(dropped && dropped.bytes! > 0, JSON.stringify(told));
  slow.terminate();
  // A viewer that sends frames to be answered (notices: it does not hold the input) and reads
  // none of the answers: past the ceiling it is disconnected.
  const hostile = await openConsole();
  assert.ok(hostile instanceof WebSocket);
  hostile.pause();
  const closed = new Promise((r) => hostile.once("close", r));
  const key = Buffer.from("k");
  for (let i = 0; i < 2 * VIEWER_QUEUE_CEILING / 64; i++) hostile.send(key);
  hostile.resume();
  await closed;
  reader.close();
  await assertNothingKept(false);
  const z = await floodZone();
  assert.equal(z.state, "running", "the zone ran through it all");
});
