// The architectures tsvisor has an engine for: the names a zone file's `arch` accepts. Kept apart
// from the registry (registry.ts) so reading a config loads no engine.
export const ARCHES = ["riscv64", "aarch64"] as const;
export type Arch = (typeof ARCHES)[number];
/** A zone file without `arch`, `tsvisor run --kernel` and imported configs get this one. */
export const DEFAULT_ARCH: Arch = "riscv64";
