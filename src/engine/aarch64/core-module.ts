// Loading the AssemblyScript-built A64 core (build/aarch64.wasm, scripts/build-core.sh) and
// instantiating it for one vCPU on a zone's shared memory.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { VcpuExit } from "../exit.js";

const WASM_URL = new URL("../../../../build/aarch64.wasm", import.meta.url);

let cached: WebAssembly.Module | undefined;

/** Compile the core once per process (the Module can be sent to workers as is). */
export function coreModule(): WebAssembly.Module {
  if (!cached) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(fileURLToPath(WASM_URL));
    } catch {
      throw new Error(`CPU core ${fileURLToPath(WASM_URL)} is missing: run "npm run build" first`);
    }
    cached = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return cached;
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
}

export function instantiateCore(module: WebAssembly.Module, memory: WebAssembly.Memory, onAbort: (msg: string) => void): A64Core {
  const inst = new WebAssembly.Instance(module, {
    env: {
      memory,
      table: new WebAssembly.Table({ initial: 1, element: "anyfunc" }),
      abort: (_m: number, _f: number, line: number, col: number) => onAbort(`core abort at ${line}:${col}`),
    },
  });
  return inst.exports as unknown as A64Core;
}
