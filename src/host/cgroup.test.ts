// cgroup detection and the files a zone's cgroup gets, on fake cgroup trees (plain directories):
// v2 (as most hosts have), v1 (this machine's hybrid layout, with an empty unified tree), none.
// The real v1 tree is exercised by tests/lifecycle.test.ts and tests/isolation.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectCgroups, ownCgroup } from "./cgroup.js";

const M = 1024 * 1024;
const limits = { cpus: [1, 3], memoryBytes: 320 * M, pids: 72 };
const readT = (p: string) => readFileSync(p, "utf8").trim();

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "tsvisor-cg-"));
  for (const [p, v] of Object.entries(files)) {
    mkdirSync(join(root, p, ".."), { recursive: true });
    writeFileSync(join(root, p), v);
  }
  return root;
}

test("v2: controllers enabled top-down, the zone's limits written, OOM kills read from memory.events", () => {
  const root = tree({ "cgroup.controllers": "cpuset cpu io memory hugetlb pids", "cgroup.subtree_control": "cpu" });
  const host = detectCgroups(root, "0::/user.slice/x.scope\n");
  assert.ok(!("warning" in host));
  assert.equal(host.version, 2);
  const cg = host.create("zone1-a-99", limits);
  const d = join(root, "tsvisor", "zone1-a-99");
  assert.deepEqual(cg.dirs, [d]);
  assert.equal(readT(join(root, "cgroup.subtree_control")), "+cpuset +memory +pids");
  assert.equal(readT(join(root, "tsvisor", "cgroup.subtree_control")), "+cpuset +memory +pids");
  assert.equal(readT(join(d, "memory.max")), String(320 * M));
  assert.equal(readT(join(d, "cpuset.cpus")), "1,3");
  assert.equal(readT(join(d, "pids.max")), "72");
  assert.equal(cg.oomKills(), 0);
  writeFileSync(join(d, "memory.events"), "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n");
  assert.equal(cg.oomKills(), 2);
  cg.addProcess(1234);
  assert.equal(readT(join(d, "cgroup.procs")), "1234");
});

test("hybrid layout (empty unified tree): v1 groups under this process's own group, cpuset seeded from its parent", () => {
  const root = tree({
    "unified/cgroup.controllers": "",
    "memory/cgroup.procs": "", "pids/cgroup.procs": "",
    "cpuset/cgroup.procs": "", "cpuset/cpuset.cpus": "0-3", "cpuset/cpuset.mems": "0",
  });
  const self = "9:name=systemd:/\n8:pids:/\n4:memory:/sandbox/abc\n3:cpuset:/\n0::/\n";
  assert.equal(ownCgroup("memory", self), "/sandbox/abc");
  const host = detectCgroups(root, self);
  assert.ok(!("warning" in host));
  assert.equal(host.version, 1);
  const cg = host.create("zone2-b-99", limits);
  const [mem, cpuset, pids] = cg.dirs;
  assert.equal(mem, join(root, "memory/sandbox/abc/tsvisor/zone2-b-99"));
  assert.equal(readT(join(mem, "memory.limit_in_bytes")), String(320 * M));
  assert.equal(readT(join(root, "cpuset/tsvisor/cpuset.cpus")), "0-3", "the parent group gets CPUs first");
  assert.equal(readT(join(cpuset, "cpuset.cpus")), "1,3");
  assert.equal(readT(join(cpuset, "cpuset.mems")), "0");
  assert.equal(readT(join(pids, "pids.max")), "72");
  writeFileSync(join(mem, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
  assert.equal(cg.oomKills(), 1);
  cg.addProcess(77);
  for (const d of cg.dirs) assert.equal(readT(join(d, "cgroup.procs")), "77");
});

test("no cgroups: a warning that says what is missing", () => {
  const host = detectCgroups(tree({ "unified/cgroup.controllers": "memory" }), "");
  assert.ok("warning" in host);
  assert.match(host.warning, /no usable cgroups under .*: zones run without kernel-enforced CPU, memory and thread limits/);
});
