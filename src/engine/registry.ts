// arch -> engine: the only way the zone layer, the daemon, the CLI and the config reach an engine.
// An engine for a new architecture is added to ARCHES (arch.ts) and here (the Record makes the
// compiler insist on both).
import type { Engine } from "./engine.js";
import { ARCHES, type Arch } from "./arch.js";
import { riscv64Engine } from "./riscv64/engine.js";
import { aarch64Engine } from "./aarch64/engine.js";

const ENGINES: Record<Arch, Engine> = {
  riscv64: riscv64Engine,
  aarch64: aarch64Engine,
};

/** The engine of `arch`; throws on a name that is no Arch (the config refuses those first, with the field named). */
export function engineFor(arch: Arch): Engine {
  const e = (ENGINES as Partial<Record<string, Engine>>)[arch];
  if (!e) throw new Error(`no engine for architecture "${String(arch)}" (tsvisor has: ${ARCHES.join(", ")})`);
  return e;
}
