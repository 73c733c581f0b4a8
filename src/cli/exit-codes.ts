// The one table of tsvisor's exit statuses. Every command ends through it, and docs/cli.md and
// `tsvisor --help` print it from here. tsvisor's own outcomes (1-9, 70) and the guest's exit
// status (GUEST_STATUS_BASE + n) never share a number, and both stay below 128, where a shell
// reports processes killed by signals (128 + signal, e.g. 141 for SIGPIPE).
import type { ZoneStatus } from "../zone/zone-link.js";

export const EXIT = {
  /** The command did what it was asked; `run`/`zone console`: the guest powered off reporting success. */
  OK: 0,
  /** The daemon refused or could not do the request (no such zone, a conflict, a file not written). */
  FAILED: 1,
  /** Bad command line: unknown command or option, missing argument. */
  USAGE: 2,
  /** A config file (zone or system) has problems; `check` found some. */
  CONFIG: 3,
  /** The zone could not start: unreadable or unbootable images, host resources refused. */
  START: 4,
  /** No tsvisor daemon answers on the socket. */
  DAEMON_UNREACHABLE: 5,
  /** The zone ended in `error`: the guest wedged (fatal trap), rebooted in a loop, or its process died. */
  GUEST_ERROR: 6,
  /** The guest kernel panicked (zone state `panicked`). */
  GUEST_PANIC: 7,
  /** The guest reported failure without an exit status (SBI SRST "system failure", test finisher FAIL 0). */
  GUEST_FAILURE: 8,
  /** A bug in tsvisor (EX_SOFTWARE). */
  INTERNAL: 70,
  /** The guest reported failure with exit status n (test finisher FAIL n): GUEST_STATUS_BASE + min(n, 27). */
  GUEST_STATUS_BASE: 100,
  /** stdout or stderr was closed (`tsvisor ... | head -1`): what a process killed by SIGPIPE gets. */
  PIPE_CLOSED: 141,
} as const;

/** Largest guest status with an exit code of its own; larger ones share GUEST_STATUS_BASE + this. */
export const GUEST_STATUS_MAX = 27;

/** The exit status that tells how a zone ended. */
export function exitCodeOfZone(s: Pick<ZoneStatus, "state" | "exitCode">): number {
  switch (s.state) {
    case "off":
      return EXIT.OK;
    case "failed":
      return s.exitCode ? EXIT.GUEST_STATUS_BASE + Math.min(s.exitCode, GUEST_STATUS_MAX) : EXIT.GUEST_FAILURE;
    case "panicked":
      return EXIT.GUEST_PANIC;
    default:
      return EXIT.GUEST_ERROR;
  }
}

/** The table as `tsvisor --help` and docs/cli.md show it. */
export const EXIT_TABLE: [string, string][] = [
  [`${EXIT.OK}`, "success; run / zone console: the guest powered off reporting success (or C-a x / detach)"],
  [`${EXIT.FAILED}`, "the daemon refused or could not do the request (no such zone, a conflict, ...)"],
  [`${EXIT.USAGE}`, "bad command line (unknown command or option, missing argument)"],
  [`${EXIT.CONFIG}`, "a config file has problems (tsvisor check found some)"],
  [`${EXIT.START}`, "the zone could not start (images, host resources)"],
  [`${EXIT.DAEMON_UNREACHABLE}`, "no tsvisor daemon answers on the socket"],
  [`${EXIT.GUEST_ERROR}`, "the zone ended in error: guest wedged, reboot loop, zone process died"],
  [`${EXIT.GUEST_PANIC}`, "the guest kernel panicked"],
  [`${EXIT.GUEST_FAILURE}`, "the guest reported failure without a status (SBI SRST system failure)"],
  [`${EXIT.INTERNAL}`, "internal error (a bug in tsvisor; TSVISOR_DEBUG=1 shows where)"],
  [`${EXIT.GUEST_STATUS_BASE + 1}-${EXIT.GUEST_STATUS_BASE + GUEST_STATUS_MAX}`,
    `the guest reported failure with exit status n (test finisher FAIL): ${EXIT.GUEST_STATUS_BASE} + n, ` +
    `n >= ${GUEST_STATUS_MAX} gives ${EXIT.GUEST_STATUS_BASE + GUEST_STATUS_MAX}`],
  [`${EXIT.PIPE_CLOSED}`, "its output was closed (as if killed by SIGPIPE)"],
];

export function exitTableText(): string {
  const w = Math.max(...EXIT_TABLE.map(([c]) => c.length));
  return EXIT_TABLE.map(([c, what]) => `  ${c.padEnd(w)}  ${what}`).join("\n");
}
