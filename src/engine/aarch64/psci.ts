// PSCI 1.1 (Arm DEN0022) over HVC, SMC Calling Convention function IDs: what an arm64 guest asks
// of tsvisor as its firmware. One vCPU so far: CPU_ON and the other SMP calls answer
// NOT_SUPPORTED until secondary vCPUs exist (the device tree gives a single vCPU no enable-method).

export const PSCI_VERSION = 0x84000000;
export const PSCI_MIGRATE_INFO_TYPE = 0x84000006;
export const PSCI_SYSTEM_OFF = 0x84000008;
export const PSCI_SYSTEM_RESET = 0x84000009;
export const PSCI_FEATURES = 0x8400000a;

export const PSCI_SUCCESS = 0n;
/** -1 as the 64-bit register value: NOT_SUPPORTED (PSCI) and SMCCC's "unknown function". */
export const NOT_SUPPORTED = 0xffffffffffffffffn;

/** What a call asks the vCPU thread to do besides answering in x0. */
export type PsciAction = "none" | "poweroff" | "reboot";

export interface PsciAnswer {
  x0: bigint;
  action: PsciAction;
}

const IMPLEMENTED = new Set([PSCI_VERSION, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES, PSCI_MIGRATE_INFO_TYPE]);

/** Serve the call whose function ID is in w0 and first argument in x1. */
export function psciCall(x0: bigint, x1: bigint): PsciAnswer {
  // SMC64/HVC64 function IDs have bit 30 set; the 32-bit convention's are the same with it clear.
  const fn = Number(x0 & 0xffffffffn);
  switch (fn) {
    case PSCI_VERSION: return { x0: 0x10001n, action: "none" }; // 1.1
    case PSCI_SYSTEM_OFF: return { x0: PSCI_SUCCESS, action: "poweroff" };
    case PSCI_SYSTEM_RESET: return { x0: PSCI_SUCCESS, action: "reboot" };
    case PSCI_MIGRATE_INFO_TYPE: return { x0: 2n, action: "none" }; // no Trusted OS: migration not required
    case PSCI_FEATURES: return { x0: IMPLEMENTED.has(Number(x1 & 0xffffffffn)) ? PSCI_SUCCESS : NOT_SUPPORTED, action: "none" };
    default: return { x0: NOT_SUPPORTED, action: "none" };
  }
}
