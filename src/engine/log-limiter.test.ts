import { test } from "node:test";
import assert from "node:assert/strict";
import { LogLimiter, DEFAULT_LOG_LIMITS } from "./log-limiter.js";

function mk(limits = DEFAULT_LOG_LIMITS) {
  let t = 0;
  const lines: string[] = [];
  const l = new LogLimiter((s) => lines.push(s), limits, () => t);
  return { l, lines, advance: (ms: number) => { t += ms; } };
}

test("one kind: a burst, then one per second; the count of the rest comes with the next allowed one", () => {
  const { l, lines, advance } = mk();
  for (let i = 0; i < 100; i++) l.log("reset", `reset ${i}`);
  assert.deepEqual(lines, Array.from({ length: 10 }, (_, i) => `reset ${i}`));
  advance(1000);
  l.log("reset", "reset again");
  assert.deepEqual(lines.slice(10), ["reset: 90 similar messages suppressed", "reset again"]);
  assert.equal(l.suppressed, 90);
});

test("a kind that goes quiet gets its summary from tick(), once", () => {
  const { l, lines, advance } = mk();
  for (let i = 0; i < 15; i++) l.log("a", "a");
  l.tick();
  assert.equal(lines.length, 10, "not quiet yet");
  advance(999);
  l.tick();
  assert.equal(lines.length, 10);
  advance(200);
  l.tick();
  assert.deepEqual(lines.slice(10), ["a: 5 similar messages suppressed"]);
  advance(5000);
  l.tick();
  assert.equal(lines.length, 11, "reported once");
});

test("a million distinct kinds: the shared bucket bounds the lines, the tracked kinds stay bounded", () => {
  const { l, lines, advance } = mk();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    l.log(`sbi 0x${i.toString(16)}/0`, `call ${i} not supported`);
    if (i % 1000 === 0) { advance(1); l.tick(); } // 1000 s of guest time in all
  }
  advance(2000);
  l.tick();
  l.flush();
  const limit = DEFAULT_LOG_LIMITS.totalBurst + DEFAULT_LOG_LIMITS.totalPerSecond * 1002;
  assert.ok(lines.length <= limit + DEFAULT_LOG_LIMITS.kinds + 1, `${lines.length} lines`);
  assert.ok((l as unknown as { buckets: Map<string, unknown> }).buckets.size <= DEFAULT_LOG_LIMITS.kinds);
  // nothing is lost from the accounting: every message was either logged or counted in a summary
  let counted = 0;
  for (const s of lines) {
    const m = /(\d+) (?:similar messages?|more messages?)/.exec(s);
    counted += m ? Number(m[1]) : 1;
  }
  assert.equal(counted, n);
});

test("flush reports what is still held, whatever the rates", () => {
  const { l, lines } = mk({ ...DEFAULT_LOG_LIMITS, burst: 1 });
  for (let i = 0; i < 4; i++) l.log("x", "x");
  l.log("y", "y");
  l.log("y", "y");
  l.flush();
  assert.deepEqual(lines, ["x", "y", "x: 3 similar messages suppressed", "y: 1 similar message suppressed"]);
});

test("bad limits are refused", () => {
  assert.throws(() => new LogLimiter(() => {}, { ...DEFAULT_LOG_LIMITS, kinds: 0 }), /kinds must be positive/);
});
