// How a zone ended, as its owner reports it: read from the run state the zone's threads left in
// the control block (zone-block.ts ZONE_*), the same for every engine.
import * as Z from "../engine/zone-block.js";

export type ZoneOutcome =
  | { state: "poweroff" } // the guest powered off and reported success (or was stopped)
  // The guest powered off reporting failure: through a firmware call (SBI SRST "system failure",
  // no status) or the test finisher's FAIL command with its exit status (`code`, absent when it gave 0).
  | { state: "failure"; via: "sbi" | "syscon"; code?: number }
  | { state: "reboot" }
  | { state: "error"; reason: string };

/** The outcome of a zone whose control block holds `state` and `exitCode`; `error`: why, if it failed. */
export function outcomeOf(state: number, exitCode: number, error: () => string): ZoneOutcome {
  if (state === Z.ZONE_POWEROFF) return { state: "poweroff" };
  if (state === Z.ZONE_FAILURE) {
    if (exitCode === Z.EXIT_CODE_FIRMWARE_FAILURE) return { state: "failure", via: "sbi" };
    return { state: "failure", via: "syscon", ...(exitCode > 0 ? { code: exitCode } : {}) };
  }
  if (state === Z.ZONE_REBOOT) return { state: "reboot" };
  return { state: "error", reason: error() };
}
