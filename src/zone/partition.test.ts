// The partition allocator: CPU ownership rules and the memory pool, without any zone running.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CpuPartition, MemoryPool, PartitionError, zoneFootprint } from "./partition.js";

const M = 1024 * 1024;
const user = (zone: string, cpus?: number[], share = false, count = cpus?.length ?? 1) =>
  ({ zone, kind: "user" as const, share, count, cpus });
const rt = (zone: string, cpus?: number[], count = cpus?.length ?? 1) => ({ zone, kind: "realtime" as const, share: false, count, cpus });

function refused(fn: () => unknown, field: string, msg: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PartitionError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, msg);
    return true;
  });
}

test("explicit CPUs are granted once; a second zone on the same CPU is refused naming both zones and the CPU", () => {
  const p = new CpuPartition([0, 1, 2, 3], [0]);
  assert.deepEqual(p.claim(user("a", [2])), [2]);
  refused(() => p.claim(user("b", [3, 2])), "zone.host_cpus",
    /^zone "b" and zone "a" both want host CPU 2: pick another CPU, or set share_cpus = true in both zones$/);
  // the refused claim took nothing: CPU 3 is still free
  assert.deepEqual(p.free, [1, 3]);
});

test("zone0's CPUs are refused unless a user zone opts into sharing; realtime never shares", () => {
  const p = new CpuPartition([0, 1, 2, 3], [0, 1]);
  refused(() => p.claim(user("u", [1])), "zone.host_cpus", /zone "u" and zone0 both want host CPU 1 .*or set share_cpus = true$/);
  refused(() => p.claim(rt("r", [0])), "zone.host_cpus", /zone "r" and zone0 both want host CPU 0.*realtime zones never share/);
  assert.deepEqual(p.claim(user("s", [1], true)), [1]);
});

test("sharing needs both zones to opt in, and never involves a realtime zone", () => {
  const p = new CpuPartition([0, 1, 2, 3], []);
  p.claim(user("a", [1], true));
  assert.deepEqual(p.claim(user("b", [1], true)), [1]);
  refused(() => p.claim(user("c", [1], false)), "zone.host_cpus", /zone "c" and zone "a" both want host CPU 1/);
  p.claim(rt("r", [2]));
  refused(() => p.claim(user("d", [2], true)), "zone.host_cpus", /zone "d" and zone "r" both want host CPU 2: realtime zones never share/);
  refused(() => p.claim(rt("r2", [1])), "zone.host_cpus", /zone "r2" and zone "a" both want host CPU 1: realtime zones never share/);
  assert.deepEqual(p.usage().get(1), ["a", "b"]);
});

test("CPUs that do not exist are refused", () => {
  const p = new CpuPartition([0, 1], []);
  refused(() => p.claim(user("a", [7])), "zone.host_cpus", /zone "a": host CPU 7 does not exist here \(usable host CPUs: 0,1\)/);
  refused(() => new CpuPartition([0, 1], [5]), "zone0.host_cpus", /host CPU 5 does not exist/);
});

test("without host_cpus the lowest free CPUs are picked; too few free CPUs is refused", () => {
  const p = new CpuPartition([0, 1, 2, 3], [0]);
  assert.deepEqual(p.claim(user("a", undefined, false, 2)), [1, 2]);
  refused(() => p.claim(rt("b", undefined, 2)), "zone.cpus", /zone "b" needs 2 host CPU\(s\) but 1 is free \(free: 3; zone0 keeps: 0\)/);
  assert.deepEqual(p.claim(rt("c", undefined, 1)), [3]);
});

test("release gives the CPUs back, also a shared CPU's other holder keeps it", () => {
  const p = new CpuPartition([0, 1, 2], []);
  p.claim(user("a", [0, 1], true));
  p.claim(user("b", [1], true));
  p.release("a");
  assert.deepEqual(p.free, [0, 2]);
  assert.deepEqual(p.usage().get(1), ["b"]);
  p.release("b");
  assert.deepEqual(p.free, [0, 1, 2]);
  p.release("nobody"); // harmless
});

test("memory pool: zones take RAM + engine state; what does not fit is refused, nothing is overcommitted", () => {
  const pool = new MemoryPool(512 * M);
  pool.reserve("a", 256 * M, "riscv64");
  assert.equal(pool.used, zoneFootprint(256 * M, "riscv64"));
  assert.ok(zoneFootprint(256 * M, "riscv64") > 256 * M);
  assert.throws(() => pool.reserve("b", 256 * M, "riscv64"), (e: unknown) => {
    assert.ok(e instanceof PartitionError);
    assert.equal(e.field, "zone.memory");
    assert.match(e.message, /^zone "b" needs 288 MiB \(memory 256 MiB \+ 32 MiB engine state\) but the pool has 224 MiB free of 512 MiB \(in use: a 288 MiB\)/);
    return true;
  });
  assert.equal(pool.used, zoneFootprint(256 * M, "riscv64")); // the refusal took nothing
  pool.reserve("b", 192 * M, "riscv64");
  assert.equal(pool.free, 0);
  pool.release("a");
  pool.release("b");
  assert.equal(pool.free, 512 * M);
});
