// Messages between a vCPU thread (block-jit.ts) and its compiler thread (compile-worker.ts).

export interface BlockRef {
  host: number; // wasm address of the entry instruction
  set: number; // TLB set the code is compiled for
}

export interface CompileRequest {
  items: BlockRef[];
}

export interface CompiledRef extends BlockRef {
  start: number; // wasm address of code[0]
  code: Uint8Array; // the guest bytes the function was compiled from
  epoch: number; // write epoch of their page when it was armed for this compile
  insns: number;
}

export interface CompileReply {
  /** Function i of `module` (export "i") is blocks[i]. */
  module: WebAssembly.Module | null;
  blocks: CompiledRef[];
  failed: (BlockRef & { epoch: number })[]; // not even the entry instruction compiles
  stops: number[]; // instructions that ended superblocks early (statistics)
  ms: number;
  /** A compiler bug met while compiling this request: its blocks stay interpreted, the vCPU logs it. */
  error?: string;
}
