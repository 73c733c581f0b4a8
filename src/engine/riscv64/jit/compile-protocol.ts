// Messages between a vCPU thread (block-jit.ts) and its compiler thread (compile-worker.ts).

export interface BlockRef {
  host: number; // wasm address of the entry instruction
  set: number; // TLB set the code is compiled for
}

/** Cached blocks per reply when preloading: the first ones bind while the rest compile. */
export const PRELOAD_BATCH = 64;

export interface CompileRequest {
  items: BlockRef[];
  /**
   * The code cache file's bytes (shared memory; sent once, first). Its blocks (parseCache) from
   * index `first` to `count` (the vCPU's parse) are compiled at once where guest memory holds
   * their bytes, in exactly ceil((count - first) / PRELOAD_BATCH) replies; all are kept for
   * requests that come later (bodies reused where the bytes match).
   */
  preload?: { bytes: Uint8Array; first: number; count: number };
}

/** A block compiled afresh: what it was compiled from, and the function (for the code cache). */
export interface FreshBlock extends BlockRef {
  start: number; // wasm address of code[0]
  code: Uint8Array; // the guest bytes the function was compiled from
  epoch: number; // write epoch of their page when it was armed for this compile
  insns: number;
  fn: Uint8Array; // the compiled function (funcEntry bytes)
}

/** A block of the code cache whose bytes guest memory held: `cached` is its index in parseCache's list. */
export interface CachedBlock extends BlockRef {
  epoch: number;
  cached: number;
}

export interface CompileReply {
  /** Function i of `module` (export "i") is blocks[i]. */
  module: WebAssembly.Module | null;
  blocks: (FreshBlock | CachedBlock)[];
  failed: (BlockRef & { epoch: number })[]; // not even the entry instruction compiles
  stops: number[]; // instructions that ended superblocks early (statistics)
  ms: number;
  /** An answer to the preload (one per PRELOAD_BATCH cached blocks). */
  preload?: boolean;
  /** The compiler thread's COMPILER_KEY (code-cache.ts): what its code may be cached under. */
  key: Uint8Array;
  /** A compiler bug met while compiling this request: its blocks stay interpreted, the vCPU logs it. */
  error?: string;
}
