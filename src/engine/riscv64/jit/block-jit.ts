// Per-vCPU block JIT: serves the core's compile requests (EXIT_JIT). Each request also compiles
// other warm blocks from the hart's lookup table into the same wasm module, because creating a
// module costs far more than compiling one more small function. Compiled code is kept by
// (address, TLB set) with a copy of the guest bytes it came from: after a fence.i the core asks
// again for each block it reaches, and an unchanged block is re-bound without recompiling.
import * as L from "../layout.js";
import { compileBlock, type CompiledBlock } from "./compile-block.js";
import { blockModule } from "./wasm-writer.js";

const MAX_BLOCKS = 1 << 16; // bound on table growth; past it, code stays interpreted
const BATCH = 48; // blocks per module at most

interface Cached {
  start: number; // wasm address of code[0]
  code: Uint8Array;
  func: number;
}

/** Binds (or, with -2, permanently declines) a block in the core's lookup table. */
export type BindBlock = (host: number, set: number, func: number) => void;

// "opcode/funct3" of an instruction, to see what keeps code out of compiled blocks.
function stopKey(insn: number): string {
  return `${(insn & 0x7f).toString(16)}/${(insn >>> 12) & 7}`;
}

const T = [0, 0, 0, 0, 0];
export class BlockJit {
  private readonly cache = new Map<number, Cached>();
  private readonly mem: Uint8Array;
  private readonly words: Int32Array;
  private readonly stops = new Map<string, number>();
  private scannedGen = 0;
  private warmTail = 0;
  compiled = 0;
  modules = 0;
  rebound = 0;
  failed = 0;
  compileMs = 0;

  constructor(buffer: SharedArrayBuffer, private readonly memory: WebAssembly.Memory,
    private readonly table: WebAssembly.Table, private readonly hartBase: number,
    private readonly ramSize: number, private readonly bind: BindBlock,
    private readonly helpers: { csr: (insn: number) => number }) {
    this.mem = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
  }

  /** Compile the requested block and the warm ones waiting in the lookup table; bind them all. */
  request(host: number, set: number): void {
    const t0 = performance.now();
    const todo: { host: number; set: number; b: CompiledBlock }[] = [];
    for (const w of [{ host, set }, ...this.warmBlocks(host, set)]) {
      const key = w.host * 4 + w.set;
      const hit = this.cache.get(key);
      if (hit && this.sameCode(hit)) {
        this.rebound++;
        this.bind(w.host, w.set, hit.func);
        continue;
      }
      const b = compileBlock(this.mem, w.host, w.set, this.hartBase);
      if (b.stop) this.stops.set(stopKey(b.stop), (this.stops.get(stopKey(b.stop)) ?? 0) + 1);
      if (b.insns === 0) {
        this.failed++;
        this.bind(w.host, w.set, -2);
        continue;
      }
      todo.push({ ...w, b });
    }
    if (todo.length === 0) return;
    if (this.table.length + todo.length > MAX_BLOCKS) {
      for (const t of todo) this.bind(t.host, t.set, -2);
      return;
    }
    const wasm = blockModule(todo.map((t) => t.b.func), 1, 65536, ["csr"]); // FN_CSR = 0
    const t1 = performance.now();
    const mod = new WebAssembly.Module(wasm);
    const t2 = performance.now();
    const inst = new WebAssembly.Instance(mod, { env: { memory: this.memory, csr: this.helpers.csr } });
    const t3 = performance.now();
    T[0] += t1 - t0; T[1] += t2 - t1; T[2] += t3 - t2; T[3] += wasm.length;
    const first = this.table.grow(todo.length);
    todo.forEach((t, i) => {
      const func = first + i;
      this.table.set(func, inst.exports[String(i)] as (pc: bigint) => bigint);
      this.cache.set(t.host * 4 + t.set, { start: t.b.start, code: this.mem.slice(t.b.start, t.b.start + t.b.bytes), func });
      this.bind(t.host, t.set, func);
    });
    this.compiled += todo.length;
    this.modules++;
    this.compileMs += performance.now() - t0;
    T[4] += performance.now() - t3;
  }

  /**
   * Blocks the core found warm (its candidate ring since the last request) and not bound yet.
   * After a fence.i, also re-binds in the same pass the compiled blocks whose bytes are unchanged
   * (one exit per fence.i, not one per block), and unbinds the others.
   */
  private warmBlocks(host: number, set: number): { host: number; set: number }[] {
    const out: { host: number; set: number }[] = [];
    const gen = this.words[(this.hartBase + L.H_JIT_GEN) >> 2];
    if (gen !== this.scannedGen) {
      this.scannedGen = gen;
      const base = (this.hartBase + L.H_JIT) >> 2;
      for (let i = 0; i < L.JIT_ENTRIES; i++) {
        const e = base + i * 4;
        const h = this.words[e] >>> 0;
        const key = this.words[e + 1];
        const f = this.words[e + 2];
        if (h === L.JIT_EMPTY || f < 0 || key >>> 2 === gen) continue;
        const hit = this.cache.get(h * 4 + (key & 3));
        if (hit && hit.func === f && this.sameCode(hit)) {
          this.rebound++;
          this.bind(h, key & 3, f);
        } else {
          this.bind(h, key & 3, -1);
        }
      }
    }
    const head = this.words[(this.hartBase + L.H_JIT_WARM_HEAD) >> 2];
    const ring = (this.hartBase + L.H_JIT_WARM) >> 2;
    const seen = new Set([host * 4 + set]);
    for (let i = Math.max(this.warmTail, head - L.JIT_WARM_ENTRIES); i < head && out.length < BATCH - 1; i++) {
      const r = ring + (i & (L.JIT_WARM_ENTRIES - 1)) * 2;
      const h = this.words[r] >>> 0;
      const s = this.words[r + 1];
      if (s < 0 || s >= L.TLB_SETS || h < L.GUEST_RAM_OFF || h >= L.GUEST_RAM_OFF + this.ramSize) continue;
      if (seen.has(h * 4 + s) || this.bound(h, s, gen)) continue;
      seen.add(h * 4 + s);
      out.push({ host: h, set: s });
    }
    this.warmTail = head;
    return out;
  }

  /** Whether the core's table binds (host, set) in the current code generation. */
  private bound(host: number, set: number, gen: number): boolean {
    const h = host >>> 1;
    const e = (this.hartBase + L.H_JIT + (((h ^ (h >>> 13)) & (L.JIT_ENTRIES / 2 - 1)) << 5)) >> 2;
    for (const x of [e, e + 4]) {
      if (this.words[x] >>> 0 === host && this.words[x + 1] === (set | (gen << 2))) return true;
    }
    return false;
  }

  stats(): string {
    console.error("JITT js", T[0].toFixed(0), "module", T[1].toFixed(0), "inst", T[2].toFixed(0), "bytes", T[3], "bind", T[4].toFixed(0));
    const top = [...this.stops].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}:${v}`).join(" ");
    return `jit: ${this.compiled} blocks in ${this.modules} modules, ${this.compileMs.toFixed(0)} ms; ` +
      `${this.rebound} re-bound, ${this.failed} not compilable; blocks ended by ${top}`;
  }

  private sameCode(c: Cached): boolean {
    return Buffer.compare(this.mem.subarray(c.start, c.start + c.code.length), c.code) === 0; // native memcmp
  }
}
