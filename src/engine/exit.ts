// The one exit/trap vocabulary shared by engines (cf. AxVisor's AxVCpuExitReason): what a vCPU
// hands to the hypervisor when it cannot go on by itself.
export type VcpuExit =
  | { kind: "budget" } // time slice used up
  | { kind: "mmio-read"; addr: number; size: 1 | 2 | 4 | 8 }
  | { kind: "mmio-write"; addr: number; size: 1 | 2 | 4 | 8; lo: number; hi: number }
  | { kind: "hypercall" } // SBI ecall from virtual S-mode
  | { kind: "halt" } // WFI with nothing pending
  | { kind: "fatal"; cause: string; pc: bigint; tval: bigint }; // guest wedged

/** Why a zone stopped. */
export type ZoneOutcome =
  | { state: "poweroff" } // the guest powered off and reported success (or was stopped)
  // The guest powered off reporting failure: through the SBI (SRST "system failure", no status)
  // or the test finisher's FAIL command with its exit status (`code`, absent when it gave 0).
  | { state: "failure"; via: "sbi" | "syscon"; code?: number }
  | { state: "reboot" }
  | { state: "error"; reason: string };
