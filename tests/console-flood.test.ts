// A guest flooding its console through each path (SBI DBCN write / write_byte, legacy putchar,
// UART) into a consumer slower than the guest, wired as `tsvisor run` wires stdout: the owner's
// memory and the bytes queued for the consumer stay bounded (the guest is held back instead),
// and no byte is lost where the guest respects back-pressure. TSVISOR_SOAK=1 floods for 60 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { boot, buildAsm } from "./helpers/guest.js";
import { describe } from "./helpers/asm-run.js";
import { pipeConsole } from "../src/cli/run.js";
import { ZC_CONOUT_SIZE } from "../src/engine/zone-block.js";

const SECONDS = process.env.TSVISOR_SOAK === "1" ? 60 : 1.5;
const HWM = 16 * 1024;
// Documented in docs/security.md: growth of the owner's RSS during a flood.
const RSS_BOUND_MIB = 64;

/** A terminal taking 256 KiB/s (a 2 Mbit/s line): slower than any console path of a guest. */
class SlowTerminal extends Writable {
  static readonly BYTES_PER_MS = 256;
  bytes = 0;
  maxQueued = 0;
  tail = "";
  private owed = 0; // ms of transmission not waited for yet
  constructor() {
    super({ highWaterMark: HWM });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error) => void): void {
    this.bytes += chunk.length;
    this.tail = (this.tail + chunk.subarray(-64).toString("latin1")).slice(-64);
    this.owed += chunk.length / SlowTerminal.BYTES_PER_MS;
    if (this.owed < 1) {
      setImmediate(done);
      return;
    }
    const ms = Math.floor(this.owed);
    this.owed -= ms;
    setTimeout(done, ms);
  }
  /** Notes how much is queued after each chunk. */
  override write(chunk: unknown, enc?: unknown, cb?: unknown): boolean {
    const ok = super.write(chunk, enc as BufferEncoding, cb as (e?: Error | null) => void);
    this.maxQueued = Math.max(this.maxQueued, this.writableLength);
    return ok;
  }
}

async function flood(mode: number, what: string, diagnostic: (s: string) => void) {
  const kernel = buildAsm(["console-flood.S"], [`-DMODE=${mode}`, `-DFLOOD_TICKS=${SECONDS * 10_000_000}`]);
  const term = new SlowTerminal();
  let rss0 = 0;
  let peak = 0;
  const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  const r = await boot({
    kernel, name: `flood-${mode}`, timeoutMs: SECONDS * 1000 + 30000, keepConsole: false,
    onConsole: (_d, zone) => {
      if (rss0 === 0) {
        peak = rss0 = process.memoryUsage().rss;
        pipeConsole(zone, term); // from the first chunk on (this one is counted below)
        term.write(_d);
      }
    },
  }).finally(() => clearInterval(sample));
  const grew = (peak - rss0) / 2 ** 20;
  const info = `${what}: at most ${term.maxQueued} bytes queued for the terminal, RSS +${grew.toFixed(1)} MiB`;
  diagnostic(info);
  assert.deepEqual(r.outcome, { state: "poweroff" }, `${info}\n${describe({ ...r, console: r.console.slice(-300) })}`);
  // Held back, not buffered: past the high-water mark the queue gets at most the batch that
  // crossed it, and what is left in the ring when the zone ends (emitted even while paused).
  assert.ok(term.maxQueued <= HWM + 2 * ZC_CONOUT_SIZE, info);
  assert.ok(grew < RSS_BOUND_MIB, info);
  await new Promise<void>((resolve) => term.end(resolve));
  const m = /\nCOUNT=(\d+)\n$/.exec(term.tail);
  assert.ok(m, `${info}: no trailer, ends with ${JSON.stringify(term.tail)}`);
  const count = Number(m[1]);
  assert.ok(count > 0, info);
  diagnostic(`${term.bytes} bytes through, the guest counted ${count}`);
  return { count, through: term.bytes - m[0].length, logs: r.logs, info };
}

for (const [mode, what] of [[1, "SBI DBCN console_write"], [2, "SBI DBCN write_byte"], [3, "legacy SBI console_putchar"],
  [4, "UART THR (a driver waiting for THRE)"]] as const) {
  test(`console flood through ${what}: bounded memory and queue, no byte lost`, async (t) => {
    const f = await flood(mode, what, (s) => t.diagnostic(s));
    assert.equal(f.through, f.count, f.info);
  });
}

test("console flood through UART THR ignoring THRE: bounded, and what is lost is counted", async (t) => {
  const f = await flood(5, "UART THR, LSR ignored", (s) => t.diagnostic(s));
  const lost = f.logs.map((l) => /UART: (\d+) output bytes lost in all/.exec(l)).find((x) => x !== null);
  assert.equal(f.through + Number(lost?.[1] ?? 0), f.count, `${f.info}\n${f.logs.join("\n")}`);
});
