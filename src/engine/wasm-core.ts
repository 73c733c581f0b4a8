// Loading an engine's AssemblyScript-built CPU core (build/<arch>.wasm, scripts/build-core.sh),
// compiled once per process: the Module can be sent to worker threads as it is.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cache = new Map<string, WebAssembly.Module>();

/** The compiled core of `arch` (its wasm file under build/). */
export function wasmCore(arch: string): WebAssembly.Module {
  let m = cache.get(arch);
  if (!m) {
    const path = fileURLToPath(new URL(`../../../build/${arch}.wasm`, import.meta.url));
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new Error(`CPU core ${path} is missing: run "npm run build" first`);
    }
    m = new WebAssembly.Module(new Uint8Array(bytes));
    cache.set(arch, m);
  }
  return m;
}
