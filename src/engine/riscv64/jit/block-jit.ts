// Per-vCPU block JIT: compiles blocks the core asks for (EXIT_JIT) and installs them in this
// thread's function table. Compiled code is kept by (address, TLB set) with a copy of the guest
// bytes it came from, so after fence.i an unchanged block is re-bound without recompiling.
import { compileBlock } from "./compile-block.js";

const MAX_BLOCKS = 1 << 16; // bound on table growth; past it, cold code stays interpreted

// "opcode/funct3" of an instruction, to see what keeps code out of compiled blocks.
function stopKey(insn: number): string {
  return `${(insn & 0x7f).toString(16)}/${(insn >>> 12) & 7}`;
}

interface Cached {
  code: Uint8Array;
  func: number;
}

export class BlockJit {
  private readonly cache = new Map<number, Cached>();
  private readonly mem: Uint8Array;
  compiled = 0;
  rebound = 0;
  failed = 0;
  compileMs = 0;
  private readonly stops = new Map<string, number>();

  constructor(buffer: SharedArrayBuffer, private readonly memory: WebAssembly.Memory,
    private readonly table: WebAssembly.Table, private readonly hartBase: number) {
    this.mem = new Uint8Array(buffer);
  }

  /** Function index for the block at `host` in TLB set `set`, or -2 if it cannot be compiled. */
  blockFor(host: number, set: number): number {
    const key = host * 4 + set;
    const hit = this.cache.get(key);
    if (hit && this.sameCode(host, hit.code)) {
      this.rebound++;
      return hit.func;
    }
    if (this.table.length >= MAX_BLOCKS) return -2;
    const t0 = performance.now();
    const b = compileBlock(this.mem, host, set, this.hartBase);
    if (b.stop) {
      const k = stopKey(b.stop);
      this.stops.set(k, (this.stops.get(k) ?? 0) + 1);
    }
    if (b.insns === 0) {
      this.failed++;
      return -2;
    }
    const inst = new WebAssembly.Instance(new WebAssembly.Module(b.wasm), { env: { memory: this.memory } });
    const func = this.table.grow(1);
    this.table.set(func, inst.exports.b as (pc: bigint) => bigint);
    this.cache.set(key, { code: this.mem.slice(host, host + b.bytes), func });
    this.compiled++;
    this.compileMs += performance.now() - t0;
    return func;
  }

  stats(): string {
    const top = [...this.stops].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}:${v}`).join(" ");
    return `jit: ${this.compiled} blocks compiled in ${this.compileMs.toFixed(0)} ms, ${this.rebound} re-bound, ` +
      `${this.failed} not compilable; blocks ended by ${top}`;
  }

  private sameCode(host: number, code: Uint8Array): boolean {
    for (let i = 0; i < code.length; i++) if (this.mem[host + i] !== code[i]) return false;
    return true;
  }
}
