// The bounded console history: keeps the newest bytes, in order, never more than its capacity.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConsoleRing } from "./console-ring.js";
import { lastPanic } from "./panic-watch.js";
import { formatTable, formatUptime } from "../cli/zone-format.js";

test("the ring keeps the newest bytes in order across wrap-around", () => {
  const r = new ConsoleRing(8);
  r.push(Buffer.from("abc"));
  assert.equal(r.snapshot().toString(), "abc");
  r.push(Buffer.from("defgh"));
  assert.equal(r.snapshot().toString(), "abcdefgh");
  r.push(Buffer.from("ij"));
  assert.equal(r.snapshot().toString(), "cdefghij");
  assert.equal(r.size, 8);
  r.push(Buffer.from("0123456789xyz")); // longer than the ring
  assert.equal(r.snapshot().toString(), "6789xyz".padStart(8, "5"));
  for (let i = 0; i < 20; i++) r.push(Buffer.from([0x41 + i]));
  assert.equal(r.snapshot().toString(), "MNOPQRST");
});

test("the last kernel panic message is found in console text", () => {
  assert.equal(lastPanic("x\r\n[ 1.5] Kernel panic - not syncing: first\r\n...Kernel panic - not syncing: VFS: no root\r\nend"), "VFS: no root");
  assert.equal(lastPanic("all fine"), undefined);
});

test("zone list: uptime and table formatting", () => {
  assert.deepEqual([5, 65, 3600 * 2 + 60 * 4, 86400 * 3 + 3600].map(formatUptime), ["5s", "1m05s", "2h04m", "3d01h"]);
  const t = formatTable({
    zone0: { pid: 1, socket: "s", system: "x", hostCpus: [0], usableHostCpus: [0, 1, 2], freeHostCpus: [2],
      pool: { total: 1024 ** 3, used: 0, free: 1024 ** 3 }, uptimeSeconds: 61, cgroups: "v1" },
    zones: [{ id: 3, name: "rt", kind: "realtime", arch: "riscv64", state: "error", reason: "zone rt: boom", vcpus: [{ vcpu: 0, hostCpu: 1, tid: 9 }],
      shareCpus: false, memory: 256 * 1024 ** 2, poolBytes: 0, memoryLocked: false, boot: { kernel: "k", cmdline: "" }, file: "f",
      reboots: 0, process: { pid: 0, cgroup: [], memoryLimit: 0 }, console: { bufferedBytes: 0, attached: 0, droppedBytes: 0, droppedInputBytes: 0 } }],
  }).split("\n");
  assert.deepEqual(t, [
    "ID  NAME   KIND      VCPU→CPU  MEMORY             STATE    UPTIME",
    "0   zone0  zone0     cpus 0    pool 1G (1G free)  running  1m01s",
    "3   rt     realtime  0→1       256M               error    -",
    "zone rt: boom",
  ]);
});
