// Live data for the web console, once a second: each running zone's per-vCPU load (host CPU
// time of each vCPU thread, from /proc; guest instructions/s where the zone's engine counts
// retired instructions, asked of the zone process over its link) and the zones list, pushed to every open page as
// Server-Sent Events together with each new zone event. Everything is bounded: the load history
// per zone, the number of pages, and what may queue for a page that does not read (dropped, counted).
import type { IncomingMessage, ServerResponse } from "node:http";
import { threadCpuNanos } from "../../host/thread-cpu.js";
import type { ZoneManager } from "../manager.js";
import type { ZoneEvent } from "../zone-events.js";

export const TICK_MS = 1000;
/** Load samples kept per zone (two minutes at one a second). */
export const LOAD_SAMPLES = 120;
/** Pages following live data at once; more are refused with 503. */
export const MAX_LIVE_CLIENTS = 16;
/** Bytes that may wait for one page; past that, updates for it are dropped and counted. */
export const LIVE_QUEUE_LIMIT = 256 * 1024;
/** Updates in a row a page may miss before it is disconnected (it reconnects when it wakes). */
export const MAX_MISSED_IN_A_ROW = 60;

/**
 * One sample: when, each vCPU's share of its host CPU (0-100) since the previous sample, and the
 * instructions each vCPU retired per second since the zone's previous count (absent: no new count,
 * or the engine does not count).
 */
export interface LoadSample {
  t: number;
  load: number[];
  ips?: number[];
}

type Counts = { at: number; instret: bigint[] };

interface Series {
  key: string;
  prev?: { t: number; ns: (number | undefined)[] };
  prevCounts?: Counts;
  samples: LoadSample[];
}

/** Instructions/s between two counts of the same boot; undefined when there is no rate to give. */
function rates(prev: Counts | undefined, now: Counts | undefined): number[] | undefined {
  if (!prev || !now || now.at <= prev.at || !now.instret.length || now.instret.length !== prev.instret.length) return undefined;
  const diffs = now.instret.map((n, i) => n - prev.instret[i]);
  if (diffs.some((d) => d < 0n)) return undefined; // the guest rebooted: its counters started again
  return diffs.map((d) => Math.round(Number(d) / ((now.at - prev.at) / 1000)));
}

export class LoadSampler {
  private readonly series = new Map<number, Series>();

  constructor(private readonly m: ZoneManager) {}

  sample(now = Date.now()): void {
    const seen = new Set<number>();
    for (const z of this.m.list().zones) {
      if (z.state !== "running" || z.process.pid === 0) continue;
      seen.add(z.id);
      const key = `${z.name}/${z.process.pid}`; // a new process (or another zone with this id) starts afresh
      let s = this.series.get(z.id);
      if (!s || s.key !== key) this.series.set(z.id, (s = { key, samples: [] }));
      const ns = z.vcpus.map((v) => (v.tid ? threadCpuNanos(z.process.pid, v.tid) : undefined));
      const counts = this.m.vcpuCounts(z.id); // the answer to the previous tick's request
      if (s.prev && now > s.prev.t) {
        const dt = (now - s.prev.t) * 1e6;
        const load = ns.map((n, i) => {
          const p = s!.prev!.ns[i];
          return n === undefined || p === undefined ? 0 : Math.max(0, Math.min(100, ((n - p) / dt) * 100));
        });
        const ips = rates(s.prevCounts, counts);
        s.samples.push({ t: now, load: load.map((x) => Math.round(x * 10) / 10), ...(ips ? { ips } : {}) });
        if (s.samples.length > LOAD_SAMPLES) s.samples.shift();
      }
      s.prev = { t: now, ns };
      if (counts) s.prevCounts = counts;
    }
    for (const id of this.series.keys()) if (!seen.has(id)) this.series.delete(id);
  }

  history(zoneId: number): LoadSample[] {
    return [...(this.series.get(zoneId)?.samples ?? [])];
  }

  latest(): Record<number, LoadSample> {
    const out: Record<number, LoadSample> = {};
    for (const [id, s] of this.series) if (s.samples.length) out[id] = s.samples[s.samples.length - 1];
    return out;
  }
}

interface LiveClient {
  res: ServerResponse;
  dropped: number;
  missedInARow: number;
}

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly timer: NodeJS.Timeout;
  private readonly unlisten: () => void;
  readonly load: LoadSampler;

  constructor(private readonly m: ZoneManager) {
    this.load = new LoadSampler(m);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.unlisten = m.events.listen((e: ZoneEvent) => this.broadcast("event", e));
  }

  get size(): number {
    return this.clients.size;
  }

  /** Each open stream: what waits for it, and the updates it missed (the web console's /api/clients). */
  streams(): { queuedBytes: number; droppedUpdates: number }[] {
    return [...this.clients].map((c) => ({ queuedBytes: c.res.writableLength, droppedUpdates: c.dropped }));
  }

  /** GET /api/live: an event stream until the page goes away. */
  follow(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.clients.size >= MAX_LIVE_CLIENTS) return false;
    const c: LiveClient = { res, dropped: 0, missedInARow: 0 };
    this.clients.add(c);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" });
    this.write(c, "zones", this.snapshot(c));
    const gone = () => this.clients.delete(c);
    res.on("close", gone);
    res.on("error", gone);
    req.resume();
    return true;
  }

  close(): void {
    clearInterval(this.timer);
    this.unlisten();
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private snapshot(c: LiveClient) {
    return { ...this.m.list(), load: this.load.latest(), dropped: c.dropped };
  }

  /** One update to every page: the timer's step, once a TICK_MS. */
  tick(): void {
    this.load.sample();
    for (const c of this.clients) this.write(c, "zones", this.snapshot(c));
  }

  private broadcast(type: string, data: unknown): void {
    for (const c of this.clients) this.write(c, type, data);
  }

  private write(c: LiveClient, type: string, data: unknown): void {
    if (c.res.writableLength > LIVE_QUEUE_LIMIT) {
      c.dropped++;
      if (++c.missedInARow > MAX_MISSED_IN_A_ROW) {
        this.clients.delete(c);
        c.res.destroy();
      }
      return;
    }
    c.missedInARow = 0;
    c.res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
