// Loading the AssemblyScript-built A64 core (build/aarch64.wasm, scripts/build-core.sh) and
// instantiating it for one vCPU on a zone's shared memory.
import type { VcpuExit } from "../exit.js";
import { wasmCore } from "../wasm-core.js";

/** Compile the core once per process (the Module can be sent to workers as is). */
export function coreModule(): WebAssembly.Module {
  return wasmCore("aarch64");
}

export interface A64Core {
  /** Bind this instance to the vCPU whose region starts at `cpuBase`; RAM [ramBase, ramBase + ramBytes) is at `ramOffset`. */
  init(cpuBase: number, ramOffset: number, ramBase: bigint, ramBytes: bigint): void;
  /** Architectural reset: registers zero, EL1 on SP_EL1, DAIF masked, MMU off; MPIDR_EL1 affinity `mpidr` (machine.ts mpidrOf). */
  reset(mpidr: bigint): void;
  /** Run at most `budget` instructions (layout.ts C_EXIT_* say more about the exit). */
  run(budget: number): VcpuExit;
  /** Answer an MMIO load exit with the value read. */
  completeMmioLoad(value: bigint): void;
  getX(n: number): bigint;
  /** WFI: 1 when an interrupt is pending for this vCPU (it must not sleep). */
  wfiPending(): number;
  /** WFI: milliseconds until this vCPU's next armed timer fires, or -1. */
  msToTimer(): number;
}

/** `now` returns milliseconds since the zone's time origin (the generic timer's counter derives from it). */
export function instantiateCore(module: WebAssembly.Module, memory: WebAssembly.Memory, now: () => number,
  onAbort: (msg: string) => void): A64Core {
  const inst = new WebAssembly.Instance(module, {
    env: {
      memory,
      now,
      table: new WebAssembly.Table({ initial: 1, element: "anyfunc" }),
      abort: (_m: number, _f: number, line: number, col: number) => onAbort(`core abort at ${line}:${col}`),
    },
  });
  return inst.exports as unknown as A64Core;
}
