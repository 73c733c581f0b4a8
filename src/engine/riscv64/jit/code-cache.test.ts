// The JIT's code cache: a second "boot" binds the first one's code before it is requested, but
// only where guest memory holds the very bytes it was compiled from; a file that is damaged,
// foreign or made by another compiler is never used.
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as L from "../layout.js";
import { BlockJit } from "./block-jit.js";
import { CACHE_MAX_BLOCKS, CACHE_MAX_FILES, cacheFile, cacheRoot, parseCache, readCache, saveCache, type CachedCode } from "./code-cache.js";

const RAM = 1 << 20;
const ADDI_1 = 0x00150513; // addi a0, a0, 1
const ADDI_2 = 0x00250513; // addi a0, a0, 2
const RET = 0x00008067;

interface Guest {
  buffer: SharedArrayBuffer;
  memory: WebAssembly.Memory;
}

function guest(first: number): Guest {
  const pages = (L.GUEST_RAM_OFF + RAM) / L.WASM_PAGE;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  new DataView(buffer).setUint32(L.GUEST_RAM_OFF, first, true);
  new DataView(buffer).setUint32(L.GUEST_RAM_OFF + 4, RET, true);
  return { buffer, memory };
}

/** A vCPU's JIT over `g` with the code cache at `path`; `binds` records what it binds in the core. */
const open = new Set<BlockJit>();
// A failed assertion must not leave compiler threads keeping the test process alive.
afterEach(async () => {
  for (const j of open) await j.close();
  open.clear();
});

function jitFor(g: Guest, path: string, binds: number[][], logs: string[] = []): BlockJit {
  const table = new WebAssembly.Table({ initial: 1, element: "anyfunc" });
  const jit = new BlockJit(g.buffer, g.memory, table, L.HART_REGION_OFF, RAM, (h, s, f) => binds.push([h, s, f]),
    { csr: () => 0 }, undefined, (m) => logs.push(m), true, undefined, path);
  open.add(jit);
  return jit;
}

/** Let the compiler thread answer the preload (it is asynchronous, as in a zone). */
async function settle(jit: BlockJit): Promise<void> {
  for (let i = 0; i < 2000 && jit.busy; i++) {
    jit.poll();
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(jit.busy, false, "the compiler thread answered the preload");
}

const tmp = () => join(mkdtempSync(join(tmpdir(), "tsvisor-jitcache-")), "zone.hart0.bin");

test("a second boot binds the cached block before it is asked for; a changed block is compiled afresh", async () => {
  const path = tmp();
  const first = guest(ADDI_1);
  const binds: number[][] = [];
  const a = jitFor(first, path, binds);
  a.request(L.GUEST_RAM_OFF, 1); // TSVISOR_JIT_SYNC: compiled when this returns
  assert.equal(a.compiled, 1);
  await a.close(); // writes the cache
  assert.equal(parseCache(readFileSync(path), L.HART_REGION_OFF, RAM).blocks.length, 1);

  const again: number[][] = [];
  const b = jitFor(guest(ADDI_1), path, again);
  await settle(b);
  assert.equal(b.fromCache, 1, b.stats());
  assert.ok(again.some(([h, s, f]) => h === L.GUEST_RAM_OFF && s === 1 && f > 0), "bound without a request");
  await b.close();

  // Other bytes at the same address: the cached function must not run.
  const changed: number[][] = [];
  const c = jitFor(guest(ADDI_2), path, changed);
  await settle(c);
  assert.equal(c.fromCache, 0, c.stats());
  assert.deepEqual(changed, [], "nothing bound from a cache whose bytes guest memory does not hold");
  c.request(L.GUEST_RAM_OFF, 1);
  assert.equal(c.compiled, 1);
  assert.equal(c.fromCache, 0);
  await c.close();
  // The file now holds the new code (same address and set: one entry).
  const now = parseCache(readFileSync(path), L.HART_REGION_OFF, RAM).blocks;
  assert.equal(now.length, 1);
  assert.equal(new DataView(now[0].code.buffer, now[0].code.byteOffset).getUint32(0, true), ADDI_2);
});

test("a damaged or foreign cache file is ignored as a whole, said once, and replaced", async () => {
  const path = tmp();
  const a = jitFor(guest(ADDI_1), path, []);
  a.request(L.GUEST_RAM_OFF, 1);
  await a.close();
  const good = readFileSync(path);
  const damaged: [string, Buffer][] = [
    ["garbage", Buffer.from("not a cache at all, just some text that is long enough to look at")],
    ["truncated", good.subarray(0, good.length - 3)],
    ["damaged (a flipped byte in a function)", (() => { const x = Buffer.from(good); x[x.length - 2] ^= 0x40; return x; })()],
    ["another vCPU's", (() => { const x = Buffer.from(good); x.writeUInt32LE(L.HART_REGION_OFF + L.HART_STRIDE, 40); return x; })()],
  ];
  for (const [what, bytes] of damaged) {
    writeFileSync(path, bytes);
    const logs: string[] = [];
    const binds: number[][] = [];
    const j = jitFor(guest(ADDI_1), path, binds, logs);
    await settle(j);
    assert.equal(j.fromCache, 0, what);
    assert.deepEqual(binds, [], what);
    assert.equal(logs.filter((l) => l.includes("JIT cache")).length, 1, `${what}: ${logs.join("; ")}`);
    j.request(L.GUEST_RAM_OFF, 1);
    await j.close();
    assert.equal(parseCache(readFileSync(path), L.HART_REGION_OFF, RAM).blocks.length, 1, `${what}: rewritten`);
  }
  // Made by another compiler (its key differs): stale, not wrong, so nothing is said.
  const stale = Buffer.from(good);
  stale[8] ^= 0xff;
  const got = parseCache(stale, L.HART_REGION_OFF, RAM);
  assert.deepEqual([got.blocks.length, got.problem], [0, ""]);
});

test("saving keeps the most recent blocks within the bounds, and the directory within its file count", () => {
  const path = tmp();
  const dir = join(path, "..");
  const code = new Uint8Array([0x13, 0x05, 0x15, 0x00]);
  const fn = new Uint8Array([4, 0, 0x42, 0, 0x0b]);
  const blocks: CachedCode[] = [];
  for (let i = 0; i < CACHE_MAX_BLOCKS + 100; i++) {
    const host = L.GUEST_RAM_OFF + (i % (RAM / 4096)) * 4096 + 4 * Math.floor(i / (RAM / 4096));
    blocks.push({ host, set: 1, start: host, insns: 1, code, fn });
  }
  saveCache(path, L.HART_REGION_OFF, blocks);
  const got = parseCache(readFileSync(path), L.HART_REGION_OFF, RAM).blocks;
  assert.equal(got.length, CACHE_MAX_BLOCKS);
  assert.equal(got[got.length - 1].host, blocks[blocks.length - 1].host, "the newest is kept");
  assert.equal(got[0].host, blocks[100].host, "the oldest beyond the bound went");

  for (let i = 0; i < CACHE_MAX_FILES + 5; i++) {
    const p = join(dir, `z${i}.hart0.bin`);
    saveCache(p, L.HART_REGION_OFF, blocks.slice(0, 1));
    utimesSync(p, 1000 + i, 1000 + i); // a clear age order
  }
  saveCache(path, L.HART_REGION_OFF, blocks.slice(0, 1)); // the newest write prunes
  const left = readdirSync(dir).filter((f) => f.endsWith(".bin"));
  assert.equal(left.length, CACHE_MAX_FILES);
  assert.ok(left.includes("zone.hart0.bin") && !left.includes("z0.hart0.bin"), left.join(" "));
  assert.equal(readCache(join(dir, "absent.bin")).bytes, null);
});

test("a cache file is read only if it is this user's, private and not a link; the directory must be private", () => {
  const path = tmp();
  saveCache(path, L.HART_REGION_OFF, []);
  chmodSync(path, 0o666);
  assert.match((readCache(path) as { problem: string }).problem, /others may write it/);
  chmodSync(path, 0o600);
  assert.ok(readCache(path).bytes !== null);
  const link = join(path, "..", "link.bin");
  symlinkSync(path, link);
  assert.match((readCache(link) as { problem: string }).problem, /symbolic link/);
  const open = join(mkdtempSync(join(tmpdir(), "tsvisor-jitcache-")), "jit");
  mkdirSync(open, { mode: 0o777 });
  chmodSync(open, 0o777);
  assert.throws(() => saveCache(join(open, "z.hart0.bin"), L.HART_REGION_OFF, []), /not a private directory/);
  assert.throws(() => cacheRoot({ TSVISOR_CACHE_DIR: "relative/dir" }), /not an absolute path/);
  assert.throws(() => cacheRoot({ TSVISOR_CACHE_DIR: "" }), /not an absolute path/);
});

test("each zone and vCPU has its own file", () => {
  const env = { TSVISOR_CACHE_DIR: "/x" };
  const a = cacheFile(JSON.stringify(["a", "/k", 1, 1]), 0, env);
  assert.notEqual(a, cacheFile(JSON.stringify(["b", "/k", 1, 1]), 0, env));
  assert.notEqual(a, cacheFile(JSON.stringify(["a", "/k", 1, 1]), 1, env));
  assert.ok(a.startsWith("/x/jit/"));
});
