// Per-vCPU block JIT, vCPU side. The core asks for code to be compiled (EXIT_JIT); this class
// sends the request, with other warm blocks from the core's candidate ring, to the vCPU's
// compiler thread (compile-worker.ts) and goes back to interpreting. poll() binds the answers.
// Compiled code is kept by (address, TLB set) with the write epoch of its page (code-pages.ts):
// at a fence.i (EXIT_JIT_FLUSH) only code from pages written since is dropped.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import * as L from "../layout.js";
import { PRELOAD_BATCH, type BlockRef, type CompileReply, type CompileRequest } from "./compile-protocol.js";
import type { CompileWorkerData } from "./compile-worker.js";
import { CodePages } from "../code-pages.js";
import { CACHE_MAX_BLOCKS, CACHE_MAX_BYTES, COMPILER_KEY, parseCache, readCache, saveCache, type CachedCode } from "./code-cache.js";

// Bound on compiled blocks held at once (the function table's size). At the bound the least
// recently bound blocks make room: their slots are reused and their code is freed once no slot
// of its module is left, so a zone that runs for weeks keeps compiling new code.
export const MAX_BLOCKS = 1 << 16;
const EVICT_BATCH = 256; // slots freed at once when the table is full, beyond what a request needs
// Bound on remembered "not compilable" verdicts (the guest decides how many places fail to
// compile); past it a verdict lives only in the core's table and is redone if pushed out there.
const MAX_VERDICTS = 1 << 16;
const BATCH = 48; // blocks per module at most

interface Cached {
  page: number; // RAM page the code came from
  epoch: number; // its write epoch then
  func: number; // table index, or -2: not compilable
}

/** Binds (func >= 0), declines for good (-2) or unbinds (-1) a block in the core's table. */
export type BindBlock = (host: number, set: number, func: number) => void;

// "opcode/funct3" of an instruction, to see what keeps code out of compiled blocks.
function stopKey(insn: number): string {
  return `${(insn & 0x7f).toString(16)}/${(insn >>> 12) & 7}`;
}

const key = (host: number, set: number) => host * 4 + set;

interface Compiler {
  worker: Worker;
  port: MessagePort;
  exited: Promise<void>;
  /** Set to 1 by the thread once it is past its native start-up calls. */
  started: Int32Array;
}

/** TSVISOR_JIT_SYNC: how long a vCPU waits for one answer before it gives up on its compiler thread. */
const SYNC_WAIT_MS = 30_000;

/** How long a compiler thread may take to finish its last compile when the vCPU ends. */
const COMPILER_EXIT_GRACE_MS = 5000;

export class BlockJit {
  // Compiled (<= maxBlocks) and verdicts (<= MAX_VERDICTS), least recently bound first.
  private readonly cache = new Map<number, Cached>();
  private readonly freeSlots: number[] = []; // function table slots whose code was dropped
  private verdicts = 0;
  private readonly pending = new Set<number>();
  private readonly mem: Uint8Array;
  private readonly words: Int32Array;
  private readonly stops = new Map<string, number>();
  /** The compiler thread, started at the first request (zones that end early never need one). */
  private compiler: Compiler | null = null;
  private broken = false; // the compiler thread failed: code stays interpreted
  private readonly readyWord: number;
  private readonly codePages: CodePages;
  private seenReady = 0;
  private warmTail = 0;
  compiled = 0;
  modules = 0;
  rebound = 0;
  dropped = 0;
  failed = 0;
  recycled = 0; // compiled blocks dropped to make room in a full table
  compileMs = 0; // in the compiler thread
  bindMs = 0; // in this thread: instantiating and binding
  fromCache = 0; // blocks bound from the code cache
  // The code cache (code-cache.ts): what was loaded, and what this boot bound (most recent last,
  // at most CACHE_MAX_BLOCKS / CACHE_MAX_BYTES), saved at close() when something new was compiled.
  private loaded: CachedCode[] = [];
  private readonly bound_ = new Map<number, CachedCode>();
  private boundBytes = 0;
  private fresh = 0;
  private preloading = 0; // replies to the preload still to come
  private mixedCompiler = false;

  constructor(buffer: SharedArrayBuffer, private readonly memory: WebAssembly.Memory,
    private readonly table: WebAssembly.Table, private readonly hartBase: number,
    private readonly ramSize: number, private readonly bind: BindBlock,
    private readonly helpers: { csr: (insn: number) => number }, hostCpu: number | undefined,
    private readonly log: (msg: string) => void, private readonly sync = false, private readonly maxBlocks = MAX_BLOCKS,
    private readonly cachePath?: string) {
    this.mem = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.readyWord = (hartBase + L.H_JIT_READY) >> 2;
    this.codePages = new CodePages(buffer, ramSize);
    this.seenReady = Atomics.load(this.words, this.readyWord);
    this.startCompiler = () => {
      const { port1, port2 } = new MessageChannel();
      const started = new SharedArrayBuffer(4);
      const data: CompileWorkerData = { buffer, hartBase, ramSize, port: port2, hostCpu, background: !sync, started };
      const worker = new Worker(new URL("./compile-worker.js", import.meta.url), { workerData: data, transferList: [port2] });
      // Heard only once this thread's event loop runs (between zone runs or at exit): a failed
      // compiler leaves code interpreted, it never takes the vCPU down.
      worker.on("error", (e) => {
        this.broken = true;
        log(`JIT compiler thread failed, code stays interpreted: ${(e as Error).message}`);
      });
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      return { worker, port: port1, exited, started: new Int32Array(started) };
    };
    this.preload();
  }

  private readonly startCompiler: () => Compiler;

  /**
   * Send the code cache's blocks to the compiler thread at once, so the code this guest ran hot
   * last time is bound before it gets hot again. At most half the table: the rest is for new code.
   */
  private preload(): void {
    if (this.cachePath === undefined) return;
    const file = readCache(this.cachePath);
    if (file.bytes === null) {
      if (file.problem) this.log(file.problem);
      return;
    }
    const got = parseCache(file.bytes, this.hartBase, this.ramSize);
    if (got.problem) this.log(`${this.cachePath}: ${got.problem}`);
    this.loaded = got.blocks;
    const first = Math.max(0, this.loaded.length - Math.floor(this.maxBlocks / 2));
    if (first === this.loaded.length) return;
    this.compiler ??= this.startCompiler();
    const req: CompileRequest = { items: [], preload: { bytes: file.bytes, first, count: this.loaded.length } };
    this.compiler.port.postMessage(req);
    this.preloading = Math.ceil((this.loaded.length - first) / PRELOAD_BATCH);
  }

  /** Compile requests in flight (the vCPU checks back sooner while there are some). */
  get busy(): boolean {
    return (this.pending.size > 0 || this.preloading > 0) && !this.broken;
  }

  /** The core asks for (host, set): re-bind what is cached, send the rest to the compiler thread. */
  request(host: number, set: number): void {
    const items: BlockRef[] = [];
    for (const w of [{ host, set }, ...this.warmBlocks(host, set)]) {
      const k = key(w.host, w.set);
      if (this.pending.has(k)) continue;
      const hit = this.cache.get(k);
      if (hit) { // pushed out of the core's table by other blocks: the code is still good
        this.rebound++;
        this.cache.delete(k); // most recently bound goes last
        this.cache.set(k, hit);
        this.bind(w.host, w.set, hit.func);
        continue;
      }
      items.push(w);
    }
    if (items.length === 0 || this.broken) return;
    const want = this.pending.size + items.length;
    if (this.slotsInUse + want > this.maxBlocks) {
      this.evict(this.slotsInUse + want - this.maxBlocks + EVICT_BATCH);
      // Still full (everything held is in flight): the blocks stay interpreted until they are hot again.
      if (this.slotsInUse + want > this.maxBlocks) return;
    }
    for (const t of items) this.pending.add(key(t.host, t.set));
    const req: CompileRequest = { items };
    this.compiler ??= this.startCompiler();
    this.compiler.port.postMessage(req);
    if (this.sync) { // wait for the answer: what is compiled when no longer depends on timing
      // (an answer to the code cache's preload may come first: wait for this request's own)
      const giveUp = performance.now() + SYNC_WAIT_MS;
      while (this.pending.has(key(host, set)) && !this.broken) {
        const seen = this.seenReady;
        if (performance.now() > giveUp) { // the compiler thread is gone: run on without it
          this.broken = true;
          this.log(`JIT compiler thread did not answer in ${SYNC_WAIT_MS / 1000} s; code stays interpreted`);
          break;
        }
        Atomics.wait(this.words, this.readyWord, seen, 100);
        this.poll();
      }
    }
  }

  /** Bind whatever the compiler thread has finished. Cheap when it has not posted anything. */
  poll(): void {
    const ready = Atomics.load(this.words, this.readyWord);
    if (ready === this.seenReady || this.compiler === null) return;
    this.seenReady = ready;
    const port = this.compiler.port;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      this.install(m.message as CompileReply);
    }
  }

  private install(r: CompileReply): void {
    const t0 = performance.now();
    if (r.preload) this.preloading--;
    // A compiler thread that runs other code than this thread loaded (tsvisor rebuilt meanwhile):
    // what it makes is not cached under this thread's key.
    if (Buffer.compare(r.key, COMPILER_KEY) !== 0) this.mixedCompiler = true;
    if (r.error) this.log(`JIT: ${r.error}; that code stays interpreted`);
    for (const s of r.stops) this.stops.set(stopKey(s), (this.stops.get(stopKey(s)) ?? 0) + 1);
    for (const f of r.failed) {
      this.pending.delete(key(f.host, f.set));
      this.failed++;
      this.remember(key(f.host, f.set), { page: this.pageOf(f.host), epoch: f.epoch, func: -2 });
      this.bind(f.host, f.set, -2);
    }
    this.compileMs += r.ms;
    if (r.module === null) return;
    // Cached blocks arrive unasked: they make room within the table's bound as requests do.
    if (r.preload && this.slotsInUse + r.blocks.length > this.maxBlocks) {
      this.evict(this.slotsInUse + r.blocks.length - this.maxBlocks);
      if (this.slotsInUse + r.blocks.length > this.maxBlocks) return;
    }
    const inst = new WebAssembly.Instance(r.module, { env: { memory: this.memory, csr: this.helpers.csr } });
    const reuse = Math.min(this.freeSlots.length, r.blocks.length);
    const first = this.table.grow(r.blocks.length - reuse);
    r.blocks.forEach((answer, i) => {
      const { host, set, epoch } = answer;
      const fromCache = "cached" in answer;
      const b: CachedCode | undefined = fromCache ? this.loaded[answer.cached] : answer;
      const func = i < reuse ? this.freeSlots.pop()! : first + i - reuse;
      this.pending.delete(key(host, set));
      this.table.set(func, inst.exports[String(i)] as (pc: bigint) => bigint);
      // Written while it compiled (the epoch moved, or a store that raced the arming): drop it;
      // the block warms up again and compiles from the new bytes.
      const page = this.pageOf(host);
      if (b === undefined || b.host !== host || b.set !== set || this.codePages.epoch(page) !== epoch ||
        !this.sameCode(b.start, b.code)) {
        this.release(func);
        return;
      }
      this.remember(key(host, set), { page, epoch, func });
      this.bind(host, set, func);
      this.keep(b, fromCache);
    });
    this.compiled += r.blocks.length;
    this.modules++;
    this.bindMs += performance.now() - t0;
  }

  /** Note a bound block for the code cache (bounded: the least recently bound go first). */
  private keep(b: CachedCode, cached: boolean): void {
    if (cached) this.fromCache++;
    else this.fresh++;
    if (this.cachePath === undefined) return;
    const k = key(b.host, b.set);
    const old = this.bound_.get(k);
    if (old) this.boundBytes -= old.code.length + old.fn.length;
    this.bound_.delete(k);
    this.bound_.set(k, { host: b.host, set: b.set, start: b.start, insns: b.insns, code: b.code, fn: b.fn });
    this.boundBytes += b.code.length + b.fn.length;
    for (const [k0, c] of this.bound_) {
      if (this.bound_.size <= CACHE_MAX_BLOCKS && this.boundBytes <= CACHE_MAX_BYTES) break;
      this.bound_.delete(k0);
      this.boundBytes -= c.code.length + c.fn.length;
    }
  }

  /** Cache an answer; a new "not compilable" verdict only while there are fewer than MAX_VERDICTS. */
  private remember(k: number, c: Cached): void {
    const was = this.cache.get(k)?.func;
    const verdicts = this.verdicts - (was === -2 ? 1 : 0) + (c.func === -2 ? 1 : 0);
    if (verdicts > MAX_VERDICTS) return;
    this.verdicts = verdicts;
    const old = this.cache.get(k);
    if (old !== undefined && old.func >= 0 && old.func !== c.func) this.release(old.func);
    this.cache.delete(k); // most recent last
    this.cache.set(k, c);
  }

  /** fence.i: unbind and forget code (and "not compilable" verdicts) from pages written since. */
  flush(): void {
    for (const [k, c] of this.cache) {
      if (this.codePages.epoch(c.page) === c.epoch) continue;
      this.forget(k, c);
      this.dropped++;
    }
  }

  /** Table slots holding code (slot 0 is the table's initial, unused one). */
  private get slotsInUse(): number {
    return this.table.length - 1 - this.freeSlots.length;
  }

  /** Drop the `n` least recently bound compiled blocks (they compile again if they get hot again). */
  private evict(n: number): void {
    for (const [k, c] of this.cache) {
      if (n <= 0) break;
      if (c.func < 0) continue;
      this.forget(k, c);
      this.recycled++;
      n--;
    }
  }

  /** Unbind a cached block in the core and forget it; its table slot becomes free. */
  private forget(k: number, c: Cached): void {
    this.cache.delete(k);
    this.bind(Math.floor(k / 4), k % 4, -1);
    if (c.func === -2) this.verdicts--;
    else this.release(c.func);
  }

  /**
   * A slot nothing binds any more: cleared (so its module can be collected once none of its
   * functions is left in the table) and reused by the next compiled block.
   */
  private release(func: number): void {
    this.table.set(func, null);
    this.freeSlots.push(func);
  }

  /** Blocks the core found warm (its candidate ring since the last request) and not bound yet. */
  private warmBlocks(host: number, set: number): BlockRef[] {
    const out: BlockRef[] = [];
    const head = this.words[(this.hartBase + L.H_JIT_WARM_HEAD) >> 2];
    const ring = (this.hartBase + L.H_JIT_WARM) >> 2;
    const seen = new Set([key(host, set)]);
    for (let i = Math.max(this.warmTail, head - L.JIT_WARM_ENTRIES); i < head && out.length < BATCH - 1; i++) {
      const r = ring + (i & (L.JIT_WARM_ENTRIES - 1)) * 2;
      const h = this.words[r] >>> 0;
      const s = this.words[r + 1];
      if (s < 0 || s >= L.TLB_SETS || h < L.GUEST_RAM_OFF || h >= L.GUEST_RAM_OFF + this.ramSize) continue;
      if (seen.has(key(h, s)) || this.bound(h, s)) continue;
      seen.add(key(h, s));
      out.push({ host: h, set: s });
    }
    this.warmTail = head;
    return out;
  }

  /** Whether the core's table binds (host, set). */
  private bound(host: number, set: number): boolean {
    const h = host >>> 1;
    const e = (this.hartBase + L.H_JIT + (((h ^ (h >>> 13)) & (L.JIT_ENTRIES / 2 - 1)) << 5)) >> 2;
    for (const x of [e, e + 4]) {
      if (this.words[x] >>> 0 === host && this.words[x + 1] === set) return true;
    }
    return false;
  }

  private pageOf(host: number): number {
    return Math.floor((host - L.GUEST_RAM_OFF) / 4096);
  }

  stats(): string {
    const top = [...this.stops].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}:${v}`).join(" ");
    return `jit: ${this.compiled} blocks (${this.fromCache} from the code cache) in ${this.modules} modules, compiled in ${this.compileMs.toFixed(0)} ms ` +
      `(compiler thread), bound in ${this.bindMs.toFixed(0)} ms; ${this.rebound} re-bound, ${this.dropped} dropped ` +
      `after fence.i, ${this.recycled} recycled (table full), ${this.failed} not compilable; ` +
      `blocks ended by ${top}`;
  }

  /**
   * Stop the compiler thread, at once: a compile in progress is thrown away. Terminating the
   * thread while it is still in its native start-up calls (koffi loading libc) would abort the
   * whole process (exit code 134), so a thread that has not started yet is only told to go:
   * closing our end of its port closes its end, which is all that keeps its event loop alive,
   * and it ends by itself once past start-up. (An uncleared timer here once kept every zone alive
   * 2 s after the guest powered off.)
   */
  async close(): Promise<void> {
    this.saveCache();
    if (this.compiler === null) return;
    const { worker, port, exited, started } = this.compiler;
    port.close();
    if (Atomics.load(started, 0) === 1) {
      await worker.terminate();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((r) => { timer = setTimeout(() => r("late"), COMPILER_EXIT_GRACE_MS); });
    if (await Promise.race([exited, late]) === "late") await worker.terminate();
    clearTimeout(timer);
  }

  /**
   * Write the code cache when this boot compiled something new: the cached blocks it did not use
   * (still good for the next boot: code not run this time, or not loaded yet at start) first,
   * then what it bound, most recent last. A cache that cannot be written is only logged.
   */
  private saveCache(): void {
    if (this.cachePath === undefined || this.fresh === 0 || this.mixedCompiler) return;
    const blocks = this.loaded.filter((c) => !this.bound_.has(key(c.host, c.set)));
    blocks.push(...this.bound_.values());
    try {
      saveCache(this.cachePath, this.hartBase, blocks);
    } catch (e) {
      this.log(`JIT cache ${this.cachePath} not written: ${(e as Error).message}`);
    }
    this.fresh = 0;
  }

  private sameCode(start: number, code: Uint8Array): boolean {
    return Buffer.compare(this.mem.subarray(start, start + code.length), code) === 0; // native memcmp
  }
}
