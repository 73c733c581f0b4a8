// Loading the AssemblyScript-built CPU core and instantiating it for one hart.
import type { VcpuExit } from "../exit.js";
import { wasmCore } from "../wasm-core.js";

/** Compile the core once per process (the Module can be sent to workers as is). */
export function coreModule(): WebAssembly.Module {
  return wasmCore("riscv64");
}

export interface CoreExports {
  init(hartBase: number, ramOffset: number, ramBytes: bigint): void;
  resetHart(): void;
  flushTlb(): void;
  run(budget: number): VcpuExit;
  completeMmioLoad(): void;
  mmioFault(isStore: number): void;
  flushJit(): void;
  setJitBlock(host: number, set: number, func: number): void;
  setProfiling(on: number): void;
  /** Executions of a block start before it is compiled: 0 never, 1 at once (see jit/jit-mode.ts). */
  setJitThreshold(executions: number): void;
  /** Count compiled-block calls (for TSVISOR_STATS). */
  setCounting(on: number): void;
  /** A Zicsr instruction for compiled blocks: 0 done, 1 done (stop), 2 interpret it. */
  jitCsr(insn: number): number;
}

/** `now` returns milliseconds since the zone's time origin (the 10 MHz timebase derives from it). */
export function instantiateCore(module: WebAssembly.Module, memory: WebAssembly.Memory, now: () => number,
  onAbort: (msg: string) => void, table = new WebAssembly.Table({ initial: 1, element: "anyfunc" })): CoreExports {
  const inst = new WebAssembly.Instance(module, {
    env: {
      memory,
      table,
      now,
      abort: (_m: number, _f: number, line: number, col: number) => onAbort(`core abort at ${line}:${col}`),
    },
  });
  return inst.exports as unknown as CoreExports;
}
