// LoadSampler's instructions/s: from the counts each zone process answers (one tick late), per
// vCPU, nothing across a guest reboot, and nothing at all for an engine that does not count.
// LiveHub's bounds for pages that stop reading.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ZoneManager } from "../manager.js";
import { LIVE_QUEUE_LIMIT, LiveHub, LoadSampler, MAX_LIVE_CLIENTS, MAX_MISSED_IN_A_ROW } from "./live.js";

/** A manager with one running zone (this process's main thread as its vCPU) whose counts the test scripts. */
function fakeManager(answers: ({ at: number; instret: bigint[] } | undefined)[]) {
  let asked = 0;
  const zone = { id: 3, name: "z", state: "running", process: { pid: process.pid }, vcpus: [{ vcpu: 0, hostCpu: 0, tid: process.pid }] };
  const m = {
    list: () => ({ zones: [zone] }),
    vcpuCounts: (id: number) => {
      assert.equal(id, 3);
      return answers[asked++];
    },
  };
  return { m: m as unknown as ZoneManager, asked: () => asked };
}

const c = (at: number, ...n: number[]) => ({ at, instret: n.map(BigInt) });

test("instructions/s per vCPU between two counts, none until there are two, none across a reboot", () => {
  const counts = [undefined, c(1000, 0, 0), c(2000, 5_000_000, 1_000), c(2500, 6_000_000, 1_000), c(3500, 100, 200), c(4500, 300, 700)];
  const f = fakeManager(counts);
  const s = new LoadSampler(f.m);
  for (let t = 0; t < counts.length; t++) s.sample(10_000 + t * 1000);
  assert.equal(f.asked(), counts.length, "asked once per tick");
  const h = s.history(3);
  assert.equal(h.length, counts.length - 1, "the first tick only sets the baseline");
  assert.deepEqual(h.map((x) => x.ips), [
    undefined, // only one count so far
    [5_000_000, 1_000],
    [2_000_000, 0], // over half a second: the zone process's own timestamps count
    undefined, // counters went down: the guest rebooted
    [200, 500],
  ]);
  for (const x of h) assert.equal(x.load.length, 1);
});

test("an engine that does not count: no rates, the host load is still sampled", () => {
  const f = fakeManager([c(1000), c(2000), c(3000)]);
  const s = new LoadSampler(f.m);
  for (let t = 0; t < 3; t++) s.sample(10_000 + t * 1000);
  assert.equal(s.history(3).length, 2);
  assert.ok(s.history(3).every((x) => x.ips === undefined && x.load.length === 1));
});

test("the same answer twice (the zone has not answered yet) gives no rate for that tick", () => {
  const a = c(1000, 10), b = c(2000, 1010);
  const f = fakeManager([a, a, b, b]);
  const s = new LoadSampler(f.m);
  for (let t = 0; t < 4; t++) s.sample(10_000 + t * 1000);
  assert.deepEqual(s.history(3).map((x) => x.ips), [undefined, [1000], undefined]);
});

/** A page's response that takes whatever is written, or holds `queued` bytes it has not sent yet. */
class FakePage {
  queued = 0;
  writes: string[] = [];
  destroyed = false;
  private handlers = new Map<string, () => void>();
  get writableLength(): number {
    return this.queued;
  }
  writeHead(): this {
    return this;
  }
  write(s: string): boolean {
    this.writes.push(s);
    return true;
  }
  on(ev: string, f: () => void): this {
    this.handlers.set(ev, f);
    return this;
  }
  end(): void {}
  destroy(): void {
    this.destroyed = true;
    this.handlers.get("close")?.();
  }
}

test("live streams: a page that does not read has its updates dropped and counted, then is disconnected", () => {
  const m = { list: () => ({ zones: [] }), vcpuCounts: () => undefined, events: { listen: () => () => undefined } };
  const hub = new LiveHub(m as unknown as ZoneManager);
  try {
    const slow = new FakePage(), fast = new FakePage();
    const req = { resume: () => undefined } as unknown as IncomingMessage;
    assert.equal(hub.follow(req, slow as unknown as ServerResponse), true);
    assert.equal(hub.follow(req, fast as unknown as ServerResponse), true);
    slow.queued = LIVE_QUEUE_LIMIT + 1;
    for (let i = 0; i < 5; i++) hub.tick();
    assert.equal(slow.writes.length, 1, "only the first snapshot was written");
    assert.deepEqual(hub.streams().map((s) => s.droppedUpdates).sort(), [0, 5]);
    slow.queued = 0; // it read again: the next update tells it what it missed
    hub.tick();
    assert.match(slow.writes.at(-1)!, /"dropped":5\b/);
    slow.queued = LIVE_QUEUE_LIMIT + 1;
    for (let i = 0; i < MAX_MISSED_IN_A_ROW; i++) hub.tick();
    assert.equal(slow.destroyed, false);
    hub.tick();
    assert.equal(slow.destroyed, true, "disconnected after MAX_MISSED_IN_A_ROW missed in a row");
    assert.equal(hub.size, 1);
    assert.equal(fast.writes.length, 1 + 5 + 1 + MAX_MISSED_IN_A_ROW + 1, "the page that reads gets every update");
    for (let i = 0; i < MAX_LIVE_CLIENTS - 1; i++) assert.equal(hub.follow(req, new FakePage() as unknown as ServerResponse), true);
    assert.equal(hub.follow(req, new FakePage() as unknown as ServerResponse), false, "no more than MAX_LIVE_CLIENTS");
  } finally {
    hub.close();
  }
});
