// The architectures tsvisor has an engine for: the names a zone file's `arch` accepts. Kept apart
// from the registry (registry.ts) so reading a config loads no engine.
export const ARCHES = ["riscv64", "aarch64"] as const;
export type Arch = (typeof ARCHES)[number];
/** A zone file without `arch`, `tsvisor run --kernel` and imported configs get this one. */
export const DEFAULT_ARCH: Arch = "riscv64";
/**
 * The kernel command line a zone gets when its config gives none: its machine's console (the
 * riscv64 machine's 16550 is ttyS0, the aarch64 machine's PL011 ttyAMA0).
 */
export const CONSOLE_CMDLINE: Record<Arch, string> = { riscv64: "console=ttyS0", aarch64: "console=ttyAMA0" };
