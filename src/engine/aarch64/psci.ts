// PSCI 1.1 (Arm DEN0022) over HVC, SMC Calling Convention function IDs: what an arm64 guest asks
// of tsvisor as its firmware. CPU_ON, CPU_OFF and AFFINITY_INFO work on the zone's vCPUs through
// their shared power states (vcpu-power.ts); SYSTEM_OFF and SYSTEM_RESET end or restart the zone.
// Anything else answers NOT_SUPPORTED, as SMCCC asks for unknown functions.
import { POWER_OFF, POWER_ON } from "./layout.js";
import type { VcpuPower } from "./vcpu-power.js";
import { mpidrOf } from "./machine.js";

export const PSCI_VERSION = 0x84000000;
export const PSCI_CPU_OFF = 0x84000002;
export const PSCI_CPU_ON = 0xc4000003; // SMC64 ...
export const PSCI_CPU_ON_32 = 0x84000003; // ... and SMC32 (arguments in the low halves)
export const PSCI_AFFINITY_INFO = 0xc4000004;
export const PSCI_AFFINITY_INFO_32 = 0x84000004;
export const PSCI_MIGRATE_INFO_TYPE = 0x84000006;
export const PSCI_SYSTEM_OFF = 0x84000008;
export const PSCI_SYSTEM_RESET = 0x84000009;
export const PSCI_FEATURES = 0x8400000a;

// Return codes, as 64-bit register values.
const reg = (v: number) => BigInt.asUintN(64, BigInt(v));
export const SUCCESS = 0n;
export const NOT_SUPPORTED = reg(-1);
export const INVALID_PARAMETERS = reg(-2);
export const ALREADY_ON = reg(-4);
export const ON_PENDING = reg(-5);
export const INVALID_ADDRESS = reg(-9);

/** What a call asks the calling vCPU's thread to do besides answering in x0. */
export type PsciAction = "none" | "poweroff" | "reboot" | "cpu-off";

export interface PsciAnswer {
  x0: bigint;
  action: PsciAction;
}

export interface PsciHost {
  /** Every vCPU of the zone, by index (its MPIDR is machine.ts mpidrOf(index)). */
  cpus: readonly VcpuPower[];
  /** Whether an instruction can be fetched at `addr`. */
  inRam(addr: bigint): boolean;
}

const IMPLEMENTED = new Set([PSCI_VERSION, PSCI_CPU_OFF, PSCI_CPU_ON, PSCI_CPU_ON_32, PSCI_AFFINITY_INFO,
  PSCI_AFFINITY_INFO_32, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES, PSCI_MIGRATE_INFO_TYPE]);

const answer = (x0: bigint, action: PsciAction = "none"): PsciAnswer => ({ x0, action });

/** The vCPU whose MPIDR affinity (Aff3..Aff0, the rest ignored) is `mpidr`, or undefined. */
function target(host: PsciHost, mpidr: bigint): VcpuPower | undefined {
  const aff = mpidr & 0xff00ffffffn;
  return host.cpus.find((c) => BigInt(mpidrOf(c.vcpu)) === aff);
}

/** Serve the call whose function ID is in w0, with arguments x1..x3 (32-bit calls: their low halves). */
export function psciCall(host: PsciHost, x: readonly bigint[]): PsciAnswer {
  const fn = Number(x[0]! & 0xffffffffn);
  const smc32 = (fn & 0x40000000) === 0;
  const arg = (i: number) => (smc32 ? x[i]! & 0xffffffffn : x[i]!);
  switch (fn) {
    case PSCI_VERSION: return answer(0x10001n); // 1.1
    case PSCI_SYSTEM_OFF: return answer(SUCCESS, "poweroff");
    case PSCI_SYSTEM_RESET: return answer(SUCCESS, "reboot");
    case PSCI_MIGRATE_INFO_TYPE: return answer(2n); // no Trusted OS: migration not required
    case PSCI_FEATURES: return answer(IMPLEMENTED.has(Number(x[1]! & 0xffffffffn)) ? SUCCESS : NOT_SUPPORTED);
    case PSCI_CPU_OFF: return answer(SUCCESS, "cpu-off"); // no return on success
    case PSCI_CPU_ON:
    case PSCI_CPU_ON_32: {
      const t = target(host, arg(1));
      if (!t) return answer(INVALID_PARAMETERS);
      if (!host.inRam(arg(2))) return answer(INVALID_ADDRESS);
      if (t.start(arg(2), arg(3))) return answer(SUCCESS);
      return answer(t.state === POWER_ON ? ALREADY_ON : ON_PENDING);
    }
    case PSCI_AFFINITY_INFO:
    case PSCI_AFFINITY_INFO_32: {
      const t = target(host, arg(1));
      if (!t || arg(2) !== 0n) return answer(INVALID_PARAMETERS); // only affinity level 0: vCPUs
      const s = t.state;
      return answer(s === POWER_ON ? 0n : s === POWER_OFF ? 1n : 2n); // ON_PENDING, or CLAIMED on its way there
    }
    default: return answer(NOT_SUPPORTED);
  }
}
