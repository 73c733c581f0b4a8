// The block compiler's own thread (one per vCPU): turns compile requests into a wasm module, off
// the vCPU's critical path. The vCPU keeps interpreting meanwhile and binds the module's functions
// when the answer arrives (block-jit.ts). Each region is compiled from a private copy of its page,
// and that copy goes back with it: the vCPU binds only if guest memory still holds those bytes.
import { workerData, type MessagePort } from "node:worker_threads";
import { setPriority } from "node:os";
import { nameThread, setThreadAffinity, threadId } from "../../../host/affinity.js";
import * as L from "../layout.js";
import { compileBlock, pageStart, type CodePage } from "./compile-block.js";
import { blockModule, funcEntry } from "./wasm-writer.js";
import { PRELOAD_BATCH, type BlockRef, type CompileReply, type CompileRequest } from "./compile-protocol.js";
import { CodePages } from "../code-pages.js";
import { COMPILER_KEY, parseCache, type CachedCode } from "./code-cache.js";

export interface CompileWorkerData {
  buffer: SharedArrayBuffer;
  hartBase: number;
  ramSize: number;
  port: MessagePort;
  /** The vCPU's host CPU under static partitioning: its compiler works there too. */
  hostCpu?: number;
  /** At a lower priority than the vCPUs (unless the vCPU waits for every answer). */
  background: boolean;
  /** One Int32 set to 1 once this thread is past its native calls (see BlockJit.close). */
  started: SharedArrayBuffer;
}

const { buffer, hartBase, ramSize, port, hostCpu, background, started } = workerData as CompileWorkerData;
// Compiling is worth doing only in time nobody else needs: the vCPUs and the VMM thread (whose
// latency every MMIO access waits on) go first.
try {
  const tid = threadId();
  nameThread(`jit${hartBase.toString(16)}`);
  if (background) setPriority(tid, 10);
  if (hostCpu !== undefined) setThreadAffinity(0, [hostCpu]);
} catch {
  // no koffi/libc or not permitted: compile at normal priority, unpinned
}
Atomics.store(new Int32Array(started), 0, 1); // from here on, terminating this thread is safe
const mem = new Uint8Array(buffer);
const codePages = new CodePages(buffer, ramSize);
const words = new Int32Array(buffer);
const ctable = mem.subarray(L.CTABLE_OFF, L.CTABLE_OFF + 4 * 65536);
const readyWord = (hartBase + L.H_JIT_READY) >> 2;

// The code cache's blocks (CompileRequest.preload): the list the vCPU parsed too, and its index
// by (address, TLB set).
let cachedList: CachedCode[] = [];
const cached = new Map<number, number>();
const cacheKey = (host: number, set: number) => host * 4 + set;

port.on("message", (req: CompileRequest) => {
  if (req.preload) {
    const { bytes, first, count } = req.preload;
    cachedList = parseCache(bytes, hartBase, ramSize).blocks;
    cachedList.forEach((c, i) => cached.set(cacheKey(c.host, c.set), i));
    // As many answers as the vCPU counts on, whatever this parse gave (the same, unless the
    // compiler changed under the vCPU: then its blocks are not this compiler's and none is used).
    const same = cachedList.length === count;
    if (!same) {
      cachedList = [];
      cached.clear();
    }
    for (let i = first; i < count; i += PRELOAD_BATCH) {
      const from = i;
      answer([], (reply) => preload(from, Math.min(from + PRELOAD_BATCH, cachedList.length), reply), true);
    }
  }
  if (req.items.length > 0) answer(req.items, (reply) => compile(req, reply));
});

/**
 * Do `work` and post its reply (an answer to the preload if `preload`); if it throws, `items`
 * (what the vCPU waits for) are answered as failed.
 */
function answer(items: BlockRef[], work: (reply: CompileReply) => void, preload = false): void {
  const t0 = performance.now();
  const empty = (): CompileReply => ({ module: null, blocks: [], failed: [], stops: [], ms: 0, key: COMPILER_KEY, ...(preload ? { preload } : {}) });
  let reply = empty();
  try {
    work(reply);
  } catch (e) {
    // Always answer: the vCPU may be waiting for this reply, and its blocks must not stay pending.
    const what = preload ? "loading cached blocks" : `compiling ${items.length} block(s) at 0x${items[0].host.toString(16)}`;
    reply = { ...empty(), failed: items.map((i) => ({ ...i, epoch: -1 })), error: `${what} failed: ${(e as Error).message}` };
    // A cached body V8 refuses (damage the checksum missed): compile these blocks afresh next time.
    for (const i of items) cached.delete(cacheKey(i.host, i.set));
  }
  reply.ms = performance.now() - t0;
  // Fresh code goes to the vCPU (which keeps it for the code cache) without a copy.
  const transfer = reply.blocks.flatMap((b) => ("fn" in b ? [b.code.buffer, b.fn.buffer] : [])) as ArrayBuffer[];
  port.postMessage(reply, transfer);
  Atomics.add(words, readyWord, 1); // the vCPU polls this word, not the port
  Atomics.notify(words, readyWord); // a vCPU waiting for this answer (TSVISOR_JIT_SYNC) goes on at once
}

/** Arm the page of `host` (first: a write landing after the copy moves its epoch), then copy it. */
function armedCopy(host: number): { page: CodePage; epoch: number } {
  const base = pageStart(host);
  const epoch = codePages.arm((base - L.GUEST_RAM_OFF) / 4096);
  return { page: { bytes: mem.slice(base, base + 0x1000), base, ctable }, epoch };
}

/** Whether the page copy holds, at its place, the bytes the cached block was compiled from. */
function holds(page: CodePage, c: CachedCode): boolean {
  const off = c.start - page.base;
  return Buffer.compare(page.bytes.subarray(off, off + c.code.length), c.code) === 0;
}

/** A module of the given functions (block i is export "i"), or none. */
function moduleOf(funcs: Uint8Array[]): WebAssembly.Module | null {
  return funcs.length > 0 ? new WebAssembly.Module(blockModule(funcs, 1, 65536, ["csr"])) : null;
}

/** Cached blocks [from, to) whose bytes guest memory holds now: one module, nothing compiled afresh. */
function preload(from: number, to: number, reply: CompileReply): void {
  const funcs: Uint8Array[] = [];
  for (let i = from; i < to; i++) {
    const c = cachedList[i];
    const { page, epoch } = armedCopy(c.host);
    if (!holds(page, c)) continue; // not loaded (yet), or changed: compiled afresh if it gets hot
    reply.blocks.push({ host: c.host, set: c.set, epoch, cached: i });
    funcs.push(c.fn);
  }
  reply.module = moduleOf(funcs);
}

function compile(req: CompileRequest, reply: CompileReply): void {
  const funcs: Uint8Array[] = [];
  for (const { host, set } of req.items) {
    const { page, epoch } = armedCopy(host);
    const i = cached.get(cacheKey(host, set));
    if (i !== undefined && holds(page, cachedList[i])) {
      reply.blocks.push({ host, set, epoch, cached: i });
      funcs.push(cachedList[i].fn);
      continue;
    }
    const b = compileBlock(page, host, set, hartBase);
    if (b.stop) reply.stops.push(b.stop);
    if (b.insns === 0) {
      reply.failed.push({ host, set, epoch });
      continue;
    }
    const code = page.bytes.slice(b.start - page.base, b.start - page.base + b.bytes);
    const fn = funcEntry(b.func);
    reply.blocks.push({ host, set, start: b.start, code, epoch, insns: b.insns, fn });
    funcs.push(fn);
  }
  reply.module = moduleOf(funcs);
}
