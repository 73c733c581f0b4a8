// The block JIT against an independent model: a hot loop's checksum computed with BigInt, and
// guest-rewritten code that must run in its new form after fence.i.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot, buildAsm, type BootResult } from "./helpers/guest.js";
import { expectPass, withEnv, withJitMode } from "./helpers/asm-run.js";

const M = (1n << 64n) - 1n;
const u = (x: bigint) => x & M;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const s32 = (x: bigint) => BigInt.asIntN(32, x);

/** The loop of tests/asm/jit.S, instruction by instruction. */
function checksum(): bigint {
  let s1 = 0n;
  let s3 = 0n;
  let m0 = 0n; // amobuf doubleword 0
  let m1 = 0n; // amobuf word at +8
  for (let i = 0; i < 200000; i++) { // ITER in tests/asm/jit.S
    s3 = u(s3 + 7n);
    s1 ^= u(s3 * s3);
    const t1 = u(s1 << 3n);
    const t2 = u(s64(s1) >> 5n);
    s1 = u(s1 + t1);
    s1 = u(s1 - t2);
    const t3 = u(s32(s1 + s3));
    const t4 = u(s32((t3 << (s3 & 31n)) & 0xffffffffn));
    const t5 = u(s32(t3) >> (s3 & 31n));
    s1 = u(s1 + t4);
    s1 ^= t5;
    const q = u(s64(s1) / s64(s3)); // s3 > 0: no special case
    const dividend = s1; // rem by zero returns the dividend
    s1 = u(s1 + q);
    s1 ^= dividend;
    s1 ^= M; // divu by zero returns all ones
    const w = u(s32(s1 >> 32n)); // lw at +4 of the stored doubleword
    const b = (s1 >> 8n) & 0xffn; // lbu at +1
    s1 = u(s1 + w + b);
    s1 = u(s1 + (s1 < s3 ? 1n : 0n) + (s64(s1) < s64(s3) ? 1n : 0n));
    const oldD = m0; // amoadd.d returns the old doubleword
    m0 = u(m0 + s1);
    const oldW = u(s32(m1)); // amoxor.w returns the old word, sign-extended
    m1 = (m1 ^ s1) & 0xffffffffn;
    s1 = u(s1 + oldD);
    s1 ^= oldW;
    if (!(s1 < s3)) s1 = u(s1 + 1n);
  }
  return s1;
}

/** The vCPU statistics line of hart `hart` (TSVISOR_STATS): % compiled and code dropped at fence.i. */
function jitStats(logs: string[], hart: number): { line: string; pct: number; dropped: number } {
  const line = logs.find((l) => l.includes(`vCPU ${hart}:`) && /% in compiled blocks/.test(l)) ?? "";
  return {
    line,
    pct: Number(/([\d.]+)% in compiled blocks/.exec(line)?.[1] ?? 0),
    dropped: Number(/(\d+) dropped after fence\.i/.exec(line)?.[1] ?? 0),
  };
}

// vCPU threads report how much ran compiled, and wait for each compile (so that what runs
// compiled does not depend on how busy the machine is).
function jitEnv<T>(run: () => Promise<T>): Promise<T> {
  return withEnv({ TSVISOR_STATS: "1", TSVISOR_JIT_SYNC: "1" }, run);
}

test("hot loops run compiled with the interpreter's semantics; fence.i picks up rewritten code", async () => {
  const kernel = buildAsm(["jit.S"], [`-DCHECKSUM=0x${checksum().toString(16)}`]);
  const r = await jitEnv(() => boot({ kernel, timeoutMs: 30000 }));
  assert.match(r.console, /PASS/, r.console);
  assert.deepEqual(r.outcome, { state: "poweroff" });
  const s = jitStats(r.logs, 0);
  assert.ok(s.pct > 50, `expected most instructions in compiled blocks: ${s.line}`);
  assert.ok(s.dropped >= 1, `the patched function ran compiled before the patch and was dropped: ${s.line}`);
  // Its loops load, store and compute: none of them is taken for a spin-wait.
  assert.match(s.line, / 0 spin exits/, s.line);
});

test("a remote fence.i (SBI) makes another hart drop its compiled copy of rewritten code", async () => {
  const r = await jitEnv(() => expectPass("jit-smp.S", { cpus: 2, timeoutMs: 30000, modes: ["on"] }));
  const s = jitStats(r.logs, 1);
  assert.ok(s.dropped >= 1, `hart 1 ran the function compiled and dropped it at the remote fence.i: ${s.line}`);
});

test("a full block table recycles: more distinct blocks than it holds still run compiled, never stale", async () => {
  const limit = 64; // tests/asm/jit-churn.S runs 512 copies, twice, with new code the second time
  // eager: every copy compiles at its first call (in the default mode only hot code would)
  const r = await withEnv({ TSVISOR_JIT_MAX_BLOCKS: String(limit) },
    () => jitEnv(() => withJitMode("eager", () => boot({ kernel: buildAsm(["jit-churn.S"]), timeoutMs: 180000 }))));
  assert.match(r.console, /PASS/, r.console + r.logs.join("\n"));
  assert.deepEqual(r.outcome, { state: "poweroff" });
  const s = jitStats(r.logs, 0);
  const compiled = Number(/jit: (\d+) blocks/.exec(s.line)?.[1] ?? 0);
  const recycled = Number(/(\d+) recycled/.exec(s.line)?.[1] ?? 0);
  assert.ok(compiled > 4 * limit, `kept compiling past the table's size: ${s.line}`);
  assert.ok(recycled > 0, `slots were recycled: ${s.line}`);
  assert.ok(s.pct > 50, `most instructions ran compiled although the table was full most of the time: ${s.line}`);
});

test("the code cache: a second boot runs the first boot's compiled code; other code at the same place never runs it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsvisor-jit-cache-"));
  const kernel = join(dir, "guest.bin"); // one path, so one zone identity, whatever the file holds
  const jitProgram = buildAsm(["jit.S"], [`-DCHECKSUM=0x${checksum().toString(16)}`]);
  const other = buildAsm(["rv64i.S"]);
  const run = (program: string) => {
    copyFileSync(program, kernel);
    return withEnv({ TSVISOR_STATS: "1", TSVISOR_JIT: "on", TSVISOR_CACHE_DIR: dir, TSVISOR_JIT_CACHE: "on" },
      () => boot({ kernel, timeoutMs: 30000 }));
  };
  const fromCache = (r: BootResult) => Number(/\((\d+) from the code cache\)/.exec(jitStats(r.logs, 0).line)?.[1] ?? -1);
  const expectPassed = (r: BootResult, what: string) => {
    assert.match(r.console, /PASS/, `${what}: ${r.console}${r.logs.join("\n")}`);
    assert.deepEqual(r.outcome, { state: "poweroff" }, what);
  };

  const first = await run(jitProgram);
  expectPassed(first, "first boot");
  assert.equal(fromCache(first), 0, jitStats(first.logs, 0).line);
  assert.equal(readdirSync(join(dir, "jit")).length, 1, "one cache file for the zone's one vCPU");

  const second = await run(jitProgram);
  expectPassed(second, "second boot");
  assert.ok(fromCache(second) > 0, `the second boot bound cached code: ${jitStats(second.logs, 0).line}`);

  // Another program at the same path: its bytes differ where the cached blocks came from.
  const changed = await run(other);
  expectPassed(changed, "other program, same zone");
  assert.equal(fromCache(changed), 0, `no cached block matched other code: ${jitStats(changed.logs, 0).line}`);

  const back = await run(jitProgram);
  expectPassed(back, "the first program again");
  rmSync(dir, { recursive: true, force: true });
});

test("a vCPU spin-waiting on another (Linux 6.1's ticket-lock loop, a pause loop) is noticed, and the wait ends right", async () => {
  const r = await withEnv({ TSVISOR_STATS: "1" }, () => expectPass("spin-wait.S", { cpus: 2, timeoutMs: 30000 }));
  const line = jitStats(r.logs, 1).line;
  const exits = Number(/(\d+) spin exits/.exec(line)?.[1] ?? -1);
  assert.ok(exits > 0, `hart 1's spins reached the vCPU thread as spin exits: ${line}`);
  // The lock-shaped loop has no hint: only its compiled form can tell it is polling.
  const eager = await withEnv({ TSVISOR_STATS: "1" }, () => withJitMode("eager", () =>
    boot({ kernel: buildAsm(["spin-wait.S"], ["-DTICKET_ONLY"]), cpus: 2, timeoutMs: 30000 })));
  const blocks = jitStats(eager.logs, 1);
  assert.match(eager.console, /PASS/, eager.console);
  assert.ok(Number(/(\d+) spin exits/.exec(blocks.line)?.[1] ?? 0) > 0 && blocks.pct > 0, blocks.line);
});
