// Each test process keeps its own JIT code cache (TSVISOR_CACHE_DIR), removed when it exits: what a
// test sees never depends on earlier runs, other test files or other checkouts booting the same
// kernel. Zones started by the process (in it, or through the CLI and daemon) inherit the variable.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "tsvisor-test-cache-"));
process.env.TSVISOR_CACHE_DIR = dir;
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
